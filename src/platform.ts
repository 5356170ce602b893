import { join } from "node:path";
import { type Catalog, loadCatalog } from "./catalog/loadCatalog.js";
import { makeDataDirPrivate } from "./config/dataDir.js";
import type { AimsConfig } from "./config.js";
import type { OperationContext, ReconcilerContext } from "./context.js";
import { createHostFirewall, type HostFirewall } from "./firewall/hostFirewall.js";
import { BackgroundWork } from "./lifecycle/backgroundWork.js";
import { createLogger, type Logger } from "./logger.js";
import { PACKAGE_ROOT } from "./packageRoot.js";
import { loadPlans, type Plans } from "./plans/loadPlans.js";
import type { Routes } from "./proxy/routeSync.js";
import type { ProgressSink, RuntimeDriver } from "./runtime/RuntimeDriver.js";
import { loadMasterKey } from "./secrets/masterKey.js";
import type { Store } from "./store/database.js";
import { AccessChanges } from "./tenancy/accessChanges.js";

/**
 * The composition root's handle: the operation context every entry hands to operations, the
 * reconciler context built on first use (only then are dockerode and the nginx driver loaded), and
 * `close()`.
 */
export interface Platform extends OperationContext {
  /** The reconciler's context (runtime and proxy drivers), created once, lazily. */
  reconciler(): Promise<ReconcilerContext>;
  /** Finishes proxy applies in flight (they read the store), then closes the store. The proxy keeps running. */
  close(): Promise<void>;
}

/** The built-in catalog directory shipped with AIMS. */
export const BUILTIN_CATALOG = join(PACKAGE_ROOT, "catalog");

/** Loads the catalog (built-in first, then configured directories). */
export function catalogFor(config: AimsConfig): Catalog {
  return loadCatalog([BUILTIN_CATALOG, ...config.catalogDirs]);
}

/** The container engine driver named by configuration (loaded on demand: dockerode is heavy). */
export async function createRuntime(config: AimsConfig): Promise<RuntimeDriver> {
  const { DockerDriver } = await import("./runtime/docker/DockerDriver.js");
  return new DockerDriver({ socketPath: config.dockerSocket, pullTimeoutMs: config.pullTimeoutMs });
}

/** How long the engine's address pools are taken as known: they change only when dockerd restarts. */
const POOLS_TTL_MS = 60_000;

/**
 * The host firewall from configuration: the iptables driver (loaded on first use), told by the engine's
 * address pools which networks are instance networks.
 */
export function createFirewall(
  config: AimsConfig,
  runtime: () => Promise<RuntimeDriver>,
  logger: Logger,
): HostFirewall {
  let pools: { at: number; value: Array<{ base: string }> } | undefined;
  return createHostFirewall({
    enabled: config.firewall.enabled,
    driver: async () => new (await import("./firewall/iptables/IptablesDriver.js")).IptablesDriver(),
    async pools() {
      if (!pools || Date.now() - pools.at > POOLS_TTL_MS || !pools.value.length)
        pools = { at: Date.now(), value: (await (await runtime()).ping()).addressPools };
      return pools.value;
    },
    logger,
  });
}

/**
 * Builds the platform from configuration: the store (migrated) and master key now; the logger, the catalog,
 * the runtime driver and the proxy's routes when first used.
 */
export async function createPlatform(config: AimsConfig, logger?: Logger): Promise<Platform> {
  // Before the store opens: the database must never sit in a directory others can read.
  const dataDirWarning = makeDataDirPrivate(config.dataDir);
  // Loaded here, not at the top: a command that never builds a platform (`aims catalog list`) never loads it.
  const { openStore } = await import("./store/database.js");
  const store: Store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    defaultPlan: config.defaultPlan,
  });
  const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
  let log = logger;
  let catalog: Catalog | undefined;
  let plans: Plans | undefined;
  let runtime: Promise<RuntimeDriver> | undefined;
  let routes: Promise<Routes> | undefined;
  let reconciler: Promise<ReconcilerContext> | undefined;
  const runtimeDriver = () => {
    runtime ??= createRuntime(config);
    return runtime;
  };
  const proxyRoutes = () => {
    routes ??= import("./proxy/createRoutes.js").then((m) =>
      m.createRoutes(config, store.db, platform.logger),
    );
    return routes;
  };

  const realLogger = () => {
    log ??= createLogger(config.logLevel);
    return log;
  };
  // Property reads reach the real logger (its methods bound to it), which is made on the first of them.
  const lazyLogger = new Proxy({} as Logger, {
    get(_, key) {
      const value = Reflect.get(realLogger(), key);
      return typeof value === "function" ? value.bind(realLogger()) : value;
    },
    has: (_, key) => Reflect.has(realLogger(), key),
  });

  const platform: Platform = {
    config,
    store,
    masterKey,
    /**
     * Created on its first message: a command that never logs (`aims ps`, a deploy that goes well) never loads
     * pino, even through the parts it was handed to (the firewall, the proxy's routes).
     */
    get logger() {
      return lazyLogger;
    },
    accessChanges: new AccessChanges(),
    get catalog() {
      catalog ??= catalogFor(config);
      return catalog;
    },
    get plans() {
      plans ??= loadPlans(config.plans, config.defaultPlan);
      return plans;
    },
    requestProxySync(options) {
      if (!config.proxy.enabled) return;
      void proxyRoutes().then(
        (r) => r.request(options),
        (err: Error) => platform.logger.error({ err: err.message }, "proxy unavailable"),
      );
    },
    async checkEngine() {
      await (await runtimeDriver()).reachable();
    },
    async settleInstance(instanceId: string, progress: ProgressSink) {
      const { driveInstance } = await import("./lifecycle/driveInstance.js");
      const reconciler = await platform.reconciler();
      const row = await driveInstance(reconciler, instanceId, progress);
      // With the proxy on, a settled instance is reachable through it too: its route's apply is done.
      await reconciler.proxy.flush();
      return row;
    },
    async settleKeptVolume(keptVolumeId: string, progress: ProgressSink) {
      const { driveKeptVolume } = await import("./lifecycle/reconcileKeptVolume.js");
      await driveKeptVolume(await platform.reconciler(), keptVolumeId, progress);
    },
    reconciler() {
      reconciler ??= Promise.all([runtimeDriver(), proxyRoutes()]).then(
        ([runtimeDriver, proxy]) =>
          Object.defineProperties(operationsOf(platform), {
            runtime: { value: runtimeDriver, enumerable: true },
            proxy: { value: proxy, enumerable: true },
            firewall: {
              value: createFirewall(config, async () => runtimeDriver, platform.logger),
              enumerable: true,
            },
            background: {
              value: new BackgroundWork((message, err) =>
                platform.logger.warn({ err: err.message }, message),
              ),
              enumerable: true,
            },
            resolvedImages: { value: new Map(), enumerable: true },
          }) as ReconcilerContext,
      );
      return reconciler;
    },
    async close() {
      // Work a removal left running (its network) writes to the store: it ends first.
      if (reconciler) await (await reconciler).background.settled();
      if (routes) await (await routes).flush();
      await store.close();
    },
  };
  if (dataDirWarning) platform.logger.warn({ dataDir: config.dataDir }, dataDirWarning);
  return platform;
}

/** The operation context of a platform, as a plain object (the logger and the catalog stay lazy). */
function operationsOf(p: Platform): OperationContext {
  return {
    config: p.config,
    store: p.store,
    masterKey: p.masterKey,
    get logger() {
      return p.logger;
    },
    accessChanges: p.accessChanges,
    get catalog() {
      return p.catalog;
    },
    get plans() {
      return p.plans;
    },
    requestProxySync: (options) => p.requestProxySync(options),
    checkEngine: () => p.checkEngine(),
    settleInstance: (id, progress) => p.settleInstance(id, progress),
    settleKeptVolume: (id, progress) => p.settleKeptVolume(id, progress),
  };
}

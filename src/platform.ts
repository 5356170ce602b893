import { join } from "node:path";
import { type Catalog, loadCatalog } from "./catalog/loadCatalog.js";
import type { AimsConfig } from "./config.js";
import type { OperationContext, ReconcilerContext } from "./context.js";
import { createLogger, type Logger } from "./logger.js";
import { PACKAGE_ROOT } from "./packageRoot.js";
import type { Routes } from "./proxy/routeSync.js";
import type { ProgressSink, RuntimeDriver } from "./runtime/RuntimeDriver.js";
import { loadMasterKey } from "./secrets/masterKey.js";
import type { Store } from "./store/database.js";

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

/**
 * Builds the platform from configuration: the store (migrated) and master key now; the logger, the catalog,
 * the runtime driver and the proxy's routes when first used.
 */
export async function createPlatform(config: AimsConfig, logger?: Logger): Promise<Platform> {
  // Loaded here, not at the top: a command that never builds a platform (`aims catalog list`) never loads it.
  const { openStore } = await import("./store/database.js");
  const store: Store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
  let log = logger;
  let catalog: Catalog | undefined;
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

  const platform: Platform = {
    config,
    store,
    masterKey,
    /** Created on first use: a command that never logs (`aims ps`) never loads pino. */
    get logger() {
      log ??= createLogger(config.logLevel);
      return log;
    },
    get catalog() {
      catalog ??= catalogFor(config);
      return catalog;
    },
    requestProxySync() {
      if (!config.proxy.enabled) return;
      void proxyRoutes().then(
        (r) => r.request(),
        (err: Error) => platform.logger.error({ err: err.message }, "proxy unavailable"),
      );
    },
    async checkEngine() {
      await (await runtimeDriver()).ping();
    },
    async settleInstance(instanceId: string, progress: ProgressSink) {
      const { driveInstance } = await import("./lifecycle/driveInstance.js");
      return driveInstance(await platform.reconciler(), instanceId, progress);
    },
    reconciler() {
      reconciler ??= Promise.all([runtimeDriver(), proxyRoutes()]).then(
        ([runtimeDriver, proxy]) =>
          Object.defineProperties(operationsOf(platform), {
            runtime: { value: runtimeDriver, enumerable: true },
            proxy: { value: proxy, enumerable: true },
          }) as ReconcilerContext,
      );
      return reconciler;
    },
    async close() {
      if (routes) await (await routes).flush();
      await store.close();
    },
  };
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
    get catalog() {
      return p.catalog;
    },
    requestProxySync: () => p.requestProxySync(),
    checkEngine: () => p.checkEngine(),
    settleInstance: (id, progress) => p.settleInstance(id, progress),
  };
}

import { join } from "node:path";
import { type Catalog, loadCatalog } from "./catalog/loadCatalog.js";
import { type AimsConfig, PACKAGE_ROOT } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { createRoutes } from "./proxy/createRoutes.js";
import type { Routes } from "./proxy/routeSync.js";
import { DockerDriver } from "./runtime/docker/DockerDriver.js";
import type { RuntimeDriver } from "./runtime/RuntimeDriver.js";
import { loadMasterKey } from "./secrets/masterKey.js";
import { openStore, type Store } from "./store/database.js";

/** Everything an operation needs, built once from configuration (the composition root). */
export interface Platform {
  config: AimsConfig;
  store: Store;
  driver: RuntimeDriver;
  catalog: Catalog;
  masterKey: Buffer;
  logger: Logger;
  /** The reverse proxy's routes: `request()` after a change, `ensure()` each tick, `flush()` before exit. */
  routes: Routes;
  close(): Promise<void>;
}

/** The built-in catalog directory shipped with AIMS. */
export const BUILTIN_CATALOG = join(PACKAGE_ROOT, "catalog");

/** Loads the catalog (built-in first, then configured directories). */
export function catalogFor(config: AimsConfig): Catalog {
  return loadCatalog([BUILTIN_CATALOG, ...config.catalogDirs]);
}

/** Builds the platform from configuration: store (migrated), master key, runtime driver, catalog, logger, routes. */
export async function createPlatform(config: AimsConfig, logger?: Logger): Promise<Platform> {
  const log = logger ?? createLogger(config.logLevel);
  const catalog = catalogFor(config);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
  const driver = new DockerDriver({ socketPath: config.dockerSocket, pullTimeoutMs: config.pullTimeoutMs });
  const routes = createRoutes(config, store.db, log);
  return {
    config,
    store,
    driver,
    catalog,
    masterKey,
    logger: log,
    routes,
    // Applies in flight read the store: they finish first. The proxy itself keeps running.
    close: async () => {
      await routes.flush();
      await store.close();
    },
  };
}

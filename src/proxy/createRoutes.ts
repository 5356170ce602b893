import { join } from "node:path";
import type { Kysely } from "kysely";
import type { AimsConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { Database } from "../store/schema.js";
import { loadRouteTable } from "./loadRoutes.js";
import { masterPid, nginxVersion, stopNginx } from "./nginx/nginxProcess.js";
import { disabledRoutes, RouteSync, type Routes } from "./routeSync.js";

/** The proxy's directory in the data dir. */
export const proxyRoot = (dataDir: string) => join(dataDir, "proxy");

/**
 * What `aims doctor` reports of the configured nginx: the binary's version answer and the pid of the
 * master AIMS runs, if one runs. Here, beside the driver's construction, so that no other module of
 * proxy/ reaches into nginx/.
 */
export async function probeNginx(
  config: AimsConfig,
): Promise<{ version: { ok: boolean; output: string }; pid: number | undefined }> {
  return { version: await nginxVersion(config.proxy.nginxBinary), pid: masterPid(proxyRoot(config.dataDir)) };
}

/**
 * Routing for the platform from configuration: AIMS's own nginx, or nothing when `proxy.enabled` is false.
 * The nginx driver (the config renderer and its parser) is loaded only when the proxy is on.
 */
export async function createRoutes(
  config: AimsConfig,
  db: Kysely<Database>,
  logger: Logger,
): Promise<Routes> {
  const proxy = config.proxy;
  const root = proxyRoot(config.dataDir);
  if (!proxy.enabled)
    // Turned off after it ran, the proxy's nginx keeps serving the last routes: status shows it, stop ends it.
    return {
      ...disabledRoutes,
      status: async () => {
        const pid = masterPid(root);
        return pid ? { enabled: false, running: true, pid } : { enabled: false, running: false };
      },
      stop: () => stopNginx(root),
    };
  const { NginxDriver } = await import("./nginx/NginxDriver.js");
  const driver = new NginxDriver({
    binary: proxy.nginxBinary,
    root,
    bindAddress: proxy.bindAddress,
    port: proxy.port,
    tlsPort: proxy.tlsPort,
    bodyLimit: proxy.bodyLimit,
    workerProcesses: proxy.workerProcesses,
    accessLog: proxy.accessLog,
    pathRouting: proxy.pathRouting,
    reloadTimeoutMs: proxy.reloadTimeoutMs,
    corruptCandidate: config.testHooks.corruptProxyCandidate,
  });
  const cache = new Map();
  return new RouteSync({
    key: root,
    db,
    driver,
    logger,
    load: () =>
      loadRouteTable(
        db,
        { baseDomain: proxy.baseDomain, bindAddress: config.bindAddress, certDir: proxy.certDir },
        cache,
      ),
  });
}

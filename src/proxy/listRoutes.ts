import type { ReconcilerContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { findTenantByName } from "../store/tenantRepository.js";
import { proxyUrls } from "./routes.js";

/** One route as `aims routes` shows it. */
export interface RouteView {
  tenant: string;
  instance: string;
  state: string;
  /** The operator suspended the tenant (the 503 page says so). */
  tenantSuspended?: boolean;
  /** `proxy` to the replicas, or the AIMS `503` page. */
  answer: "proxy" | "503";
  hosts: Array<{ host: string; tls: boolean }>;
  url: string;
  /** Only with `proxy.pathRouting`. */
  pathUrl?: string;
  upstream: string[];
}

export interface RoutesReport {
  proxy: {
    enabled: boolean;
    running: boolean;
    pid?: number;
    listen: string;
    /** Whether `/<tenant>/<instance>/` routes on the proxy's own address (`proxy.pathRouting`). */
    pathRouting: boolean;
    /** The generation nginx serves, and the one the store asks for now (equal when in step). */
    servedGeneration?: string;
  };
  routes: RouteView[];
}

/** The routes the store asks for (optionally one tenant's) and what the proxy serves now. */
export async function listRoutes(p: ReconcilerContext, tenantName?: string): Promise<RoutesReport> {
  if (tenantName && !(await findTenantByName(p.store.db, tenantName)))
    throw new AimsError("not_found", `no tenant ${tenantName}`);
  const cfg = p.config.proxy;
  const status = await p.proxy.status();
  const table = await p.proxy.table();
  return {
    proxy: {
      enabled: status.enabled,
      running: status.running,
      ...(status.pid ? { pid: status.pid } : {}),
      listen: `${cfg.bindAddress}:${cfg.port}`,
      pathRouting: cfg.pathRouting,
      ...(status.generation ? { servedGeneration: status.generation } : {}),
    },
    routes: table.routes
      .filter((r) => !tenantName || r.tenant === tenantName)
      .map((r) => {
        const urls = proxyUrls(r.tenant, r.instance, cfg);
        return {
          tenant: r.tenant,
          instance: r.instance,
          state: r.state,
          ...(r.tenantSuspended ? { tenantSuspended: true } : {}),
          answer: r.serving ? "proxy" : "503",
          hosts: r.hosts.map((h) => ({ host: h.name, tls: Boolean(h.tls) })),
          url: urls.url,
          ...(urls.pathUrl ? { pathUrl: urls.pathUrl } : {}),
          upstream: r.upstream.map((u) => `${u.address}:${u.port}`),
        };
      }),
  };
}

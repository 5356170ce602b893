import { accessSync, constants, statSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { parseSpec } from "../domain/instanceSpec.js";
import { listDomains } from "../store/domainRepository.js";
import type { Database } from "../store/schema.js";
import type { RouteTable, TlsFiles } from "./ProxyDriver.js";
import { deriveRoutes, type RouteSource, routedPort } from "./routes.js";

export interface RouteConfig {
  baseDomain: string;
  /** AIMS's `bindAddress`: where replicas' ports are published. */
  bindAddress: string;
  certDir: string;
}

/** certbot's `live/<host>/fullchain.pem` + `privkey.pem`, when both exist and can be read. */
export function certificatesFor(certDir: string, host: string): TlsFiles | undefined {
  const dir = join(certDir, "live", host);
  const files = { certificate: join(dir, "fullchain.pem"), key: join(dir, "privkey.pem") };
  try {
    accessSync(files.certificate, constants.R_OK);
    accessSync(files.key, constants.R_OK);
    const stamp = [files.certificate, files.key].map((f) => statSync(f).mtimeMs).join(":");
    return { ...files, stamp };
  } catch {
    return undefined;
  }
}

/**
 * Reads the route table from the store: every active instance with an HTTP port, its observed state,
 * the host ports of that port's replicas and its custom domains. Pinned manifests are parsed once per
 * revision (`cache`).
 */
export async function loadRouteTable(
  db: Kysely<Database>,
  config: RouteConfig,
  cache: Map<string, ReturnType<typeof routedPort> | null> = new Map(),
): Promise<RouteTable> {
  const [instances, tenants, allocations, domains] = await Promise.all([
    db
      .selectFrom("instances")
      .select(["id", "tenant_id", "name", "observed_state", "spec", "revision"])
      .where("removed_at", "is", null)
      .execute(),
    db.selectFrom("tenants").select(["id", "name", "status"]).execute(),
    db.selectFrom("allocations").selectAll().orderBy("replica").execute(),
    listDomains(db),
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const suspended = new Set(tenants.filter((t) => t.status === "suspended").map((t) => t.id));
  const sources: RouteSource[] = [];
  for (const row of instances) {
    const key = `${row.id}:${row.revision}`;
    let target = cache.get(key);
    if (target === undefined) {
      try {
        target = routedPort(parseSpec(row.spec).plug) ?? null;
      } catch {
        target = null;
      }
      cache.set(key, target);
    }
    const tenant = tenantName.get(row.tenant_id);
    if (!target || !tenant) continue;
    sources.push({
      tenant,
      instance: row.name,
      state: row.observed_state,
      ports: allocations
        .filter(
          (a) => a.instance_id === row.id && a.service === target.service && a.port_name === target.port,
        )
        .map((a) => a.port),
      domains: domains.filter((d) => d.instance_id === row.id).map((d) => d.host),
      ...(suspended.has(row.tenant_id) ? { tenantSuspended: true } : {}),
    });
  }
  return deriveRoutes(sources, {
    baseDomain: config.baseDomain,
    publishAddress: config.bindAddress,
    tlsFor: (host) => certificatesFor(config.certDir, host),
  });
}

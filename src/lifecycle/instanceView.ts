import type { OperationContext } from "../context.js";
import { parseSpec } from "../domain/instanceSpec.js";
import type { Plug } from "../domain/manifest.js";
import { listAllocations } from "../ports/portAllocator.js";
import { type ProxyAddress, proxyUrls, routedPort } from "../proxy/routes.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import type { AllocationsTable } from "../store/schema.js";
import { findTenantById } from "../store/tenantRepository.js";

export interface PortView {
  service: string;
  name: string;
  protocol: "http" | "tcp";
  containerPort: number;
  hostPort: number;
  url?: string;
}

/** What a user sees of an instance (CLI `--json`, later the API): never a secret. */
export interface InstanceView {
  id: string;
  tenant: string;
  name: string;
  plug: string;
  version: string;
  state: string;
  reason: string | null;
  revision: number;
  ports: PortView[];
  url: string | null;
  /** Through AIMS's proxy by host name (`http://web.acme.localhost:8080/`); null when the proxy is off or no port speaks HTTP. */
  proxyUrl: string | null;
  /** Through the proxy by path (`http://127.0.0.1:8080/acme/web/`), for when the host name does not resolve. */
  proxyPathUrl: string | null;
  createdAt: string;
}

/** The address a person types for a published port. */
export function publicHost(bindAddress: string): string {
  if (bindAddress === "0.0.0.0" || bindAddress === "::") return "localhost";
  return bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
}

/** Shapes an instance row plus its allocations into the user view. */
export function toInstanceView(
  row: InstanceRow,
  tenantName: string,
  plug: Plug | undefined,
  allocations: AllocationsTable[],
  bindAddress: string,
  proxy?: ProxyAddress,
): InstanceView {
  const routed =
    proxy?.enabled && plug && routedPort(plug) ? proxyUrls(tenantName, row.name, proxy) : undefined;
  const host = publicHost(bindAddress);
  const ports = allocations
    .slice()
    .sort((a, b) => a.port - b.port)
    .map((a): PortView => {
      const declared = plug?.services
        .find((s) => s.name === a.service)
        ?.ports.find((p) => p.name === a.port_name);
      const protocol = declared?.protocol ?? "tcp";
      return {
        service: a.service,
        name: a.port_name,
        protocol,
        containerPort: declared?.container ?? 0,
        hostPort: a.port,
        ...(protocol === "http" ? { url: `http://${host}:${a.port}/` } : {}),
      };
    });
  return {
    id: row.id,
    tenant: tenantName,
    name: row.name,
    plug: row.plug_id,
    version: row.plug_version,
    state: row.observed_state,
    reason: row.reason,
    revision: row.revision,
    ports,
    url: ports.find((p) => p.url)?.url ?? null,
    proxyUrl: routed?.url ?? null,
    proxyPathUrl: routed?.pathUrl ?? null,
    createdAt: row.created_at,
  };
}

/** The user view of a stored instance (its pinned manifest gives port protocols). */
export async function viewOf(p: OperationContext, row: InstanceRow): Promise<InstanceView> {
  const tenant = await findTenantById(p.store.db, row.tenant_id);
  const allocations = await listAllocations(p.store.db, { instanceId: row.id });
  return toInstanceView(
    row,
    tenant?.name ?? "?",
    parseSpec(row.spec).plug,
    allocations,
    p.config.bindAddress,
    p.config.proxy,
  );
}

import type { OperationContext } from "../context.js";
import { type InstanceFailure, parseFailure } from "../domain/instanceFailure.js";
import { parseSpec } from "../domain/instanceSpec.js";
import type { Plug } from "../domain/manifest.js";
import { type ProxyAddress, proxyUrls, routedPort } from "../proxy/routes.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import type { AllocationsTable } from "../store/schema.js";

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
  /**
   * Through the proxy by path (`http://127.0.0.1:8080/acme/web/`), null when not routed. Present only
   * when the operator turned `proxy.pathRouting` on: every app then shares the proxy's one origin.
   */
  proxyPathUrl?: string | null;
  /** Replicas asked for, by service (`aims scale`); each replica of a public port has a host port of its own. */
  replicas: Record<string, number>;
  /** The last failure (what, why, exit code, OOM, log lines), kept until a change succeeds; null when none. */
  lastFailure: InstanceFailure | null;
  createdAt: string;
}

/** The replicas of each service, read from the stored spec (a spec that does not parse reads as none). */
function replicasOf(row: InstanceRow): Record<string, number> {
  try {
    const replicas = (JSON.parse(row.spec) as { replicas?: unknown }).replicas;
    if (!replicas || typeof replicas !== "object") return {};
    return Object.fromEntries(
      Object.entries(replicas).filter((e): e is [string, number] => typeof e[1] === "number"),
    );
  } catch {
    return {};
  }
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
    ...(proxy?.pathRouting ? { proxyPathUrl: routed?.pathUrl ?? null } : {}),
    replicas: replicasOf(row),
    lastFailure: parseFailure(row.last_failure),
    createdAt: row.created_at,
  };
}

const pinned = new Map<string, Plug | undefined>();

/**
 * The manifest an instance runs (pinned in its spec, re-validated on parse), or the catalog's when the
 * stored spec does not parse: one rule for every reader, so the CLI and the API show the same instance.
 * The pinned manifest changes only with a new revision, so parses are cached by id and revision.
 */
export function pinnedPlug(p: OperationContext, row: InstanceRow): Plug | undefined {
  const key = `${row.id}:${row.revision}`;
  if (pinned.has(key)) return pinned.get(key);
  let plug: Plug | undefined;
  try {
    plug = parseSpec(row.spec).plug;
  } catch {
    plug = p.catalog.entries.find((e) => e.plug.id === row.plug_id)?.plug;
  }
  if (pinned.size >= 10_000) pinned.clear();
  pinned.set(key, plug);
  return plug;
}

/**
 * The user views of stored instances: the one read model of the CLI and the API. Pass the tenants'
 * names and the rows' allocations when the caller already has them (a page), else they are read.
 */
export async function instanceViews(
  p: OperationContext,
  rows: InstanceRow[],
  known: { tenantNames?: Map<string, string>; allocations?: AllocationsTable[] } = {},
): Promise<InstanceView[]> {
  if (!rows.length) return [];
  const tenantIds = [...new Set(rows.map((r) => r.tenant_id))];
  const names =
    known.tenantNames ??
    new Map(
      (
        await p.store.db.selectFrom("tenants").select(["id", "name"]).where("id", "in", tenantIds).execute()
      ).map((t) => [t.id, t.name]),
    );
  const allocations =
    known.allocations ??
    (await p.store.db
      .selectFrom("allocations")
      .selectAll()
      .where(
        "instance_id",
        "in",
        rows.map((r) => r.id),
      )
      .execute());
  const byInstance = new Map<string, AllocationsTable[]>();
  for (const a of allocations) byInstance.set(a.instance_id, [...(byInstance.get(a.instance_id) ?? []), a]);
  return rows.map((row) =>
    toInstanceView(
      row,
      names.get(row.tenant_id) ?? "?",
      pinnedPlug(p, row),
      byInstance.get(row.id) ?? [],
      p.config.bindAddress,
      p.config.proxy,
    ),
  );
}

/** The user view of one stored instance. */
export async function viewOf(p: OperationContext, row: InstanceRow): Promise<InstanceView> {
  const [view] = await instanceViews(p, [row]);
  return view!;
}

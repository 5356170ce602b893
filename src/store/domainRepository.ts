import type { Selectable } from "kysely";
import { AimsError } from "../domain/errors.js";
import type { Executor } from "./database.js";
import type { InstanceDomainsTable } from "./schema.js";

export type DomainRow = Selectable<InstanceDomainsTable>;

/**
 * Routes `host` to an instance, in the caller's transaction. A host held by a removed instance is taken
 * over; one held by another active instance (of any tenant) is AimsError("conflict") that names no one.
 * Returns false when the instance already had the host.
 */
export async function insertDomain(
  ex: Executor,
  row: { host: string; instanceId: string; tenantId: string },
): Promise<boolean> {
  const existing = await ex
    .selectFrom("instance_domains")
    .innerJoin("instances", "instances.id", "instance_domains.instance_id")
    .select(["instance_domains.instance_id", "instances.removed_at"])
    .where("instance_domains.host", "=", row.host)
    .executeTakeFirst();
  if (existing?.instance_id === row.instanceId) return false;
  if (existing && existing.removed_at === null)
    throw new AimsError("conflict", `${row.host} is already routed to another instance`);
  if (existing) await ex.deleteFrom("instance_domains").where("host", "=", row.host).execute();
  await ex
    .insertInto("instance_domains")
    .values({
      host: row.host,
      instance_id: row.instanceId,
      tenant_id: row.tenantId,
      created_at: new Date().toISOString(),
    })
    .execute();
  return true;
}

/** Stops routing `host` to the instance; false when it was not routed there. */
export async function deleteDomain(ex: Executor, instanceId: string, host: string): Promise<boolean> {
  const r = await ex
    .deleteFrom("instance_domains")
    .where("instance_id", "=", instanceId)
    .where("host", "=", host)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Custom domains of active instances, optionally of one instance, sorted by host. */
export function listDomains(ex: Executor, filter: { instanceId?: string } = {}): Promise<DomainRow[]> {
  let q = ex
    .selectFrom("instance_domains")
    .innerJoin("instances", "instances.id", "instance_domains.instance_id")
    .selectAll("instance_domains")
    .where("instances.removed_at", "is", null);
  if (filter.instanceId !== undefined) q = q.where("instance_domains.instance_id", "=", filter.instanceId);
  return q.orderBy("instance_domains.host").execute();
}

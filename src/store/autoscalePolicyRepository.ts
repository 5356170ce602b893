import type { Insertable, Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { AutoscalePoliciesTable } from "./schema.js";

export type AutoscalePolicyRow = Selectable<AutoscalePoliciesTable>;
/** A policy with the name of its (active) instance. */
export type AutoscalePolicyWithInstance = AutoscalePolicyRow & { instance_name: string };

/** Policies of active instances: one tenant's (optionally one instance's), or every tenant's (the autoscaler). */
export function listAutoscalePolicies(
  ex: Executor,
  filter: { tenantId?: string; instanceId?: string } = {},
): Promise<AutoscalePolicyWithInstance[]> {
  let q = ex
    .selectFrom("autoscale_policies as a")
    .innerJoin("instances as i", (j) =>
      j.onRef("i.id", "=", "a.instance_id").onRef("i.tenant_id", "=", "a.tenant_id"),
    )
    .where("i.removed_at", "is", null)
    .selectAll("a")
    .select("i.name as instance_name");
  if (filter.tenantId !== undefined) q = q.where("a.tenant_id", "=", filter.tenantId);
  if (filter.instanceId !== undefined) q = q.where("a.instance_id", "=", filter.instanceId);
  return q.orderBy("a.tenant_id").orderBy("i.name").orderBy("a.service").limit(10_000).execute();
}

/** One service's policy, scoped by tenant: another tenant's instance id reads as none. */
export function findAutoscalePolicy(
  ex: Executor,
  tenantId: string,
  instanceId: string,
  service: string,
): Promise<AutoscalePolicyRow | undefined> {
  return ex
    .selectFrom("autoscale_policies")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("instance_id", "=", instanceId)
    .where("service", "=", service)
    .executeTakeFirst();
}

/** Sets a service's policy (keeping what the autoscaler last did to it). */
export async function putAutoscalePolicy(
  ex: Executor,
  row: Insertable<AutoscalePoliciesTable>,
): Promise<void> {
  const { tenant_id: _t, instance_id: _i, service: _s, ...set } = row;
  await ex
    .insertInto("autoscale_policies")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["instance_id", "service"]).doUpdateSet({
        min_replicas: set.min_replicas,
        max_replicas: set.max_replicas,
        cpu_percent: set.cpu_percent,
        memory_percent: set.memory_percent ?? null,
        cooldown_seconds: set.cooldown_seconds ?? null,
        updated_by: set.updated_by,
        updated_at: set.updated_at,
      }),
    )
    .execute();
}

/** Removes a service's policy; true when there was one. */
export async function deleteAutoscalePolicy(
  ex: Executor,
  tenantId: string,
  instanceId: string,
  service: string,
): Promise<boolean> {
  const result = await ex
    .deleteFrom("autoscale_policies")
    .where("tenant_id", "=", tenantId)
    .where("instance_id", "=", instanceId)
    .where("service", "=", service)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** What the autoscaler did to a service: its last step's time and decision, and the approval it waits for. */
export async function markAutoscaleStep(
  ex: Executor,
  instanceId: string,
  service: string,
  patch: Partial<Pick<AutoscalePolicyRow, "last_scaled_at" | "last_decision" | "pending_approval_id">>,
): Promise<void> {
  await ex
    .updateTable("autoscale_policies")
    .set(patch)
    .where("instance_id", "=", instanceId)
    .where("service", "=", service)
    .execute();
}

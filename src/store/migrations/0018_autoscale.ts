import type { Kysely } from "kysely";

/**
 * Autoscaling policies (issue 19, docs/autoscaling.md): one row per instance and stateless service, with what the
 * autoscaler last did to it (`last_scaled_at`, the cooldown's start) and the approval of a scale-up it is waiting
 * for, so it never asks twice while one is pending. A removed instance's policies are ignored (read joined with
 * its active instance).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("autoscale_policies")
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("min_replicas", "integer", (c) => c.notNull())
    .addColumn("max_replicas", "integer", (c) => c.notNull())
    .addColumn("cpu_percent", "integer", (c) => c.notNull())
    .addColumn("memory_percent", "integer")
    .addColumn("cooldown_seconds", "integer")
    .addColumn("last_scaled_at", "text")
    .addColumn("last_decision", "text")
    .addColumn("pending_approval_id", "text")
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("autoscale_policies_pk", ["instance_id", "service"])
    .execute();
  await db.schema
    .createIndex("autoscale_policies_tenant")
    .on("autoscale_policies")
    .column("tenant_id")
    .execute();
}

import type { Kysely } from "kysely";

/**
 * Reconciler state: restart bookkeeping on instances, every revision's spec (for rollback), and leases
 * so only one reconciler acts on an instance at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("instances")
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("instances").addColumn("retry_at", "text").execute();
  await db.schema.alterTable("instances").addColumn("last_restart_at", "text").execute();
  // Set the first time an instance is ready: a failure before that undoes the deploy, after it retries.
  await db.schema.alterTable("instances").addColumn("first_ready_at", "text").execute();

  await db.schema
    .createTable("instance_revisions")
    .addColumn("instance_id", "text", (c) => c.notNull().references("instances.id").onDelete("cascade"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("plug_version", "text", (c) => c.notNull())
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("instance_revisions_pk", ["instance_id", "revision"])
    .execute();

  await db.schema
    .createTable("leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
}

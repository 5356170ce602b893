import type { Kysely } from "kysely";

/**
 * Routing (issue 4): the custom domains an instance answers at through the proxy. The host is the
 * primary key, so one host routes to one instance at most. Schema builder only (PostgreSQL runs it too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("instance_domains")
    .addColumn("host", "text", (c) => c.primaryKey())
    .addColumn("instance_id", "text", (c) => c.notNull().references("instances.id").onDelete("cascade"))
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("instance_domains_instance_id")
    .on("instance_domains")
    .column("instance_id")
    .execute();
}

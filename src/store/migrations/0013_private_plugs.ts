import type { Kysely } from "kysely";

/**
 * Tenant-private plugs (issue 15, compose import): each import of a compose file under a name is a new
 * version of that tenant's plug, kept with the manifest it became, the compose text it came from and the
 * import's report. Instances pin the manifest in their spec, so removing a plug (`removed_at`, every version)
 * leaves running instances as they are; version numbers are never reused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("tenant_plugs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("manifest", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("report", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .addUniqueConstraint("tenant_plugs_name_version", ["tenant_id", "name", "version"])
    .execute();
}

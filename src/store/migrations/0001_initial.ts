import { type Kysely, sql } from "kysely";
import { addSequenceColumn } from "./sequenceColumn.js";

/** Creates every table of the first release. Types stay portable: text for ids, JSON and times; integer for numbers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("installations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("tenants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("tenants_name_unique").on("tenants").column("name").unique().execute();

  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("plug_id", "text", (c) => c.notNull())
    .addColumn("plug_version", "text", (c) => c.notNull())
    .addColumn("desired_state", "text", (c) => c.notNull())
    .addColumn("observed_state", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .execute();
  // A name is free again once its instance is removed; removed rows stay for history.
  await db.schema
    .createIndex("instances_tenant_name_active_unique")
    .on("instances")
    .columns(["tenant_id", "name"])
    .unique()
    .where(sql.ref("removed_at"), "is", null)
    .execute();
  await db.schema.createIndex("instances_tenant_id").on("instances").column("tenant_id").execute();

  await db.schema
    .createTable("instance_secrets")
    .addColumn("instance_id", "text", (c) => c.notNull().references("instances.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("ciphertext", "text", (c) => c.notNull())
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("instance_secrets_pk", ["instance_id", "key"])
    .execute();

  await db.schema
    .createTable("allocations")
    .addColumn("port", "integer", (c) => c.primaryKey())
    .addColumn("instance_id", "text", (c) => c.notNull().references("instances.id").onDelete("cascade"))
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("port_name", "text", (c) => c.notNull())
    .addColumn("replica", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("allocations_instance_id").on("allocations").column("instance_id").execute();

  await addSequenceColumn(db, db.schema.createTable("events"), "seq")
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text")
    .addColumn("subject", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("events_tenant_seq").on("events").columns(["tenant_id", "seq"]).execute();

  await addSequenceColumn(db, db.schema.createTable("audit_entries"), "seq")
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("result", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
}

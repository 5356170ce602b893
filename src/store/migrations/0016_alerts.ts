import type { Kysely } from "kysely";

/**
 * Plug Monitor alerts (issue 19): alerts (one open row per instance, rule and subject: pending until its
 * condition held long enough, then firing until resolved), each tenant's channels (webhook or Telegram, the
 * secret sealed), and the delivery outbox that doubles as the delivery log: a row per channel and alert change,
 * written in the transaction that fires or resolves the alert, so a restart loses nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("alerts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("instance_name", "text", (c) => c.notNull())
    .addColumn("rule", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("since", "text", (c) => c.notNull())
    .addColumn("fired_at", "text")
    .addColumn("resolved_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("alerts_tenant_state").on("alerts").columns(["tenant_id", "state"]).execute();
  await db.schema.createIndex("alerts_state").on("alerts").column("state").execute();

  await db.schema
    .createTable("alert_channels")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("chat_id", "text")
    .addColumn("sealed_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .execute();
  await db.schema.createIndex("alert_channels_tenant").on("alert_channels").column("tenant_id").execute();

  await db.schema
    .createTable("alert_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("channel_id", "text", (c) => c.notNull().references("alert_channels.id"))
    .addColumn("alert_id", "text")
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("alert_deliveries_due")
    .on("alert_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("alert_deliveries_channel")
    .on("alert_deliveries")
    .columns(["tenant_id", "channel_id"])
    .execute();
}

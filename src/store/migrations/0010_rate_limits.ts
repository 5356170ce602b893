import type { Kysely } from "kysely";

/**
 * API rate limits (issue "Plans and quotas"): requests counted per budget (a credential and what it calls) in
 * fixed windows, in the store so every `aims serve` on the host spends the same budget. One row per budget and
 * window. Times are epoch milliseconds (bigint: they do not fit PostgreSQL's integer); `expires_at`, the
 * window's end, lets ended windows go with one indexed range delete.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("rate_limits_pk", ["key", "window_start"])
    .execute();
  await db.schema.createIndex("rate_limits_expires_at").on("rate_limits").column("expires_at").execute();
}

import type { Kysely } from "kysely";

/**
 * Accounts hardening (issue "Security I"): the state of the sign-in throttle, in the store so every process on
 * the host (several `aims serve`, the CLI) counts the same failures. One row per throttled key (an address or an
 * account); rows are forgotten a day after their last failure. Named 0008 because 0007 is taken by another branch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("throttles")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "text")
    .addColumn("last_failure_at", "text", (c) => c.notNull())
    .addColumn("noticed_until", "text")
    .execute();
  await db.schema
    .createIndex("throttles_last_failure_at")
    .on("throttles")
    .column("last_failure_at")
    .execute();
}

import type { Kysely } from "kysely";

/**
 * The warm network pool (issue "Performance I"): networks made ahead of time so a deploy does not wait for one.
 *
 * - `network_pool`: each pool network by Docker name, recorded before it is created; `instance_id` is the
 *   instance that claimed it (in its deploy's transaction), null while it waits. A claimed network is the
 *   instance's alone and is destroyed with it, never returned.
 * - `instances.network`: the Docker network an instance runs on when it is not the one named after it (a
 *   claimed pool network); null for an instance with its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("network_pool")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("instance_id", "text")
    .addColumn("claimed_at", "text")
    .execute();
  await db.schema.createIndex("network_pool_instance").on("network_pool").column("instance_id").execute();
  await db.schema.alterTable("instances").addColumn("network", "text").execute();
}

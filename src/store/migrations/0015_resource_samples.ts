import type { Kysely } from "kysely";

/**
 * Resource samples (issue 19): one row per running container per sampler pass (`resolution` raw), and the
 * rollups the sampler folds them into (`1m`, `1h`: averages and peaks of the bucket starting at `at`). Times are
 * epoch milliseconds and byte counts may pass 2^31, so both are bigint. Retention prunes each resolution by `at`
 * (configurable), so the table stays bounded by containers × retention ÷ resolution. Volume sizes, sampled less
 * often, keep only their latest reading per volume.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("resource_samples")
    .addColumn("resolution", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("replica", "integer", (c) => c.notNull())
    .addColumn("samples", "integer", (c) => c.notNull())
    .addColumn("cpu_cores", "double precision")
    .addColumn("cpu_cores_max", "double precision")
    .addColumn("cpu_limit_cores", "double precision", (c) => c.notNull())
    .addColumn("memory_bytes", "bigint", (c) => c.notNull())
    .addColumn("memory_bytes_max", "bigint", (c) => c.notNull())
    .addColumn("memory_limit_bytes", "bigint", (c) => c.notNull())
    .addColumn("network_rx_bytes", "bigint", (c) => c.notNull())
    .addColumn("network_tx_bytes", "bigint", (c) => c.notNull())
    .addColumn("block_read_bytes", "bigint", (c) => c.notNull())
    .addColumn("block_write_bytes", "bigint", (c) => c.notNull())
    .addColumn("pids", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("resource_samples_pk", ["instance_id", "resolution", "at", "service", "replica"])
    .execute();
  await db.schema
    .createIndex("resource_samples_prune")
    .on("resource_samples")
    .columns(["resolution", "at"])
    .execute();

  await db.schema
    .createTable("volume_usage")
    .addColumn("volume", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("bytes", "bigint", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("volume_usage_instance").on("volume_usage").column("instance_id").execute();
}

import { type Selectable, sql } from "kysely";
import type { Executor } from "./database.js";
import type { ResourceSamplesTable, SampleResolution } from "./schema.js";

export type ResourceSampleRow = Selectable<ResourceSamplesTable>;

/** SQLite and PostgreSQL both take at most a few thousand bound values per statement: insert in chunks. */
const CHUNK = 200;

/** Writes sample rows; a row already there for the same container, resolution and moment is replaced (a rollup redone). */
export async function upsertSamples(ex: Executor, rows: readonly ResourceSampleRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await ex
      .insertInto("resource_samples")
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(["instance_id", "resolution", "at", "service", "replica"]).doUpdateSet((eb) => ({
          samples: eb.ref("excluded.samples"),
          cpu_cores: eb.ref("excluded.cpu_cores"),
          cpu_cores_max: eb.ref("excluded.cpu_cores_max"),
          cpu_limit_cores: eb.ref("excluded.cpu_limit_cores"),
          memory_bytes: eb.ref("excluded.memory_bytes"),
          memory_bytes_max: eb.ref("excluded.memory_bytes_max"),
          memory_limit_bytes: eb.ref("excluded.memory_limit_bytes"),
          network_rx_bytes: eb.ref("excluded.network_rx_bytes"),
          network_tx_bytes: eb.ref("excluded.network_tx_bytes"),
          block_read_bytes: eb.ref("excluded.block_read_bytes"),
          block_write_bytes: eb.ref("excluded.block_write_bytes"),
          pids: eb.ref("excluded.pids"),
        })),
      )
      .execute();
  }
}

/** Every row of one resolution with `from <= at < to`, all instances (the sampler's rollups). */
export function samplesBetween(
  ex: Executor,
  resolution: SampleResolution,
  from: number,
  to: number,
): Promise<ResourceSampleRow[]> {
  return ex
    .selectFrom("resource_samples")
    .selectAll()
    .where("resolution", "=", resolution)
    .where("at", ">=", from)
    .where("at", "<", to)
    .execute();
}

/** The newest `at` of a resolution, or undefined when it has no rows. */
export async function newestSampleAt(
  ex: Executor,
  resolution: SampleResolution,
): Promise<number | undefined> {
  const row = await ex
    .selectFrom("resource_samples")
    .select((eb) => eb.fn.max("at").as("at"))
    .where("resolution", "=", resolution)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}

/** Deletes the rows of a resolution older than `before` (one range delete on the prune index). */
export async function pruneSamples(
  ex: Executor,
  resolution: SampleResolution,
  before: number,
): Promise<number> {
  const result = await ex
    .deleteFrom("resource_samples")
    .where("resolution", "=", resolution)
    .where("at", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** One instance's rows of one resolution with `from <= at <= to`, oldest first, optionally of one service. */
export function instanceSamples(
  ex: Executor,
  query: { instanceId: string; resolution: SampleResolution; from: number; to: number; service?: string },
): Promise<ResourceSampleRow[]> {
  let q = ex
    .selectFrom("resource_samples")
    .selectAll()
    .where("instance_id", "=", query.instanceId)
    .where("resolution", "=", query.resolution)
    .where("at", ">=", query.from)
    .where("at", "<=", query.to);
  if (query.service !== undefined) q = q.where("service", "=", query.service);
  return q.orderBy("at").orderBy("service").orderBy("replica").execute();
}

/** The newest raw reading of each container of these instances taken at or after `since`. */
export async function latestSamples(
  ex: Executor,
  instanceIds: readonly string[],
  since: number,
): Promise<ResourceSampleRow[]> {
  if (!instanceIds.length) return [];
  const rows = await ex
    .selectFrom("resource_samples")
    .selectAll()
    .where("resolution", "=", "raw")
    .where("instance_id", "in", instanceIds)
    .where("at", ">=", since)
    .orderBy("at", "desc")
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.instance_id}\n${r.service}\n${r.replica}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Records volume sizes (the latest reading per volume replaces the one before). */
export async function upsertVolumeUsage(
  ex: Executor,
  rows: ReadonlyArray<{ volume: string; tenant_id: string; instance_id: string; bytes: number; at: number }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await ex
      .insertInto("volume_usage")
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc
          .column("volume")
          .doUpdateSet((eb) => ({ bytes: eb.ref("excluded.bytes"), at: eb.ref("excluded.at") })),
      )
      .execute();
}

/** Forgets the sizes of volumes not seen since `before` (removed with their instance). */
export async function pruneVolumeUsage(ex: Executor, before: number): Promise<void> {
  await ex.deleteFrom("volume_usage").where("at", "<", before).execute();
}

/** The latest size of each volume of an instance. */
export function instanceVolumeUsage(
  ex: Executor,
  instanceId: string,
): Promise<Array<{ volume: string; bytes: number; at: number }>> {
  return ex
    .selectFrom("volume_usage")
    .select(["volume", "bytes", "at"])
    .where("instance_id", "=", instanceId)
    .orderBy("volume")
    .execute();
}

/**
 * One instance's rows of one resolution folded into buckets of `stepMs` by the database (a range of 7 days of
 * 1-minute rollups is 10,080 rows per container; its answer is at most a few thousand): per container and bucket,
 * averages weighted by the readings each row holds, peaks, and the highest counter and limit values seen.
 */
export async function instanceSampleBuckets(
  ex: Executor,
  query: { instanceId: string; resolution: SampleResolution; from: number; to: number; stepMs: number },
): Promise<ResourceSampleRow[]> {
  const step = Math.floor(query.stepMs);
  const { rows } = await sql<Record<string, unknown>>`
    select service, replica, (at / ${sql.lit(step)}) * ${sql.lit(step)} as bucket,
      sum(samples) as samples,
      sum(cpu_cores * samples) / nullif(sum(case when cpu_cores is null then 0 else samples end), 0) as cpu_cores,
      max(coalesce(cpu_cores_max, cpu_cores)) as cpu_cores_max,
      max(cpu_limit_cores) as cpu_limit_cores,
      sum(memory_bytes * samples) / sum(samples) as memory_bytes,
      max(memory_bytes_max) as memory_bytes_max,
      max(memory_limit_bytes) as memory_limit_bytes,
      max(network_rx_bytes) as network_rx_bytes,
      max(network_tx_bytes) as network_tx_bytes,
      max(block_read_bytes) as block_read_bytes,
      max(block_write_bytes) as block_write_bytes,
      max(pids) as pids
    from resource_samples
    where instance_id = ${query.instanceId} and resolution = ${query.resolution}
      and at >= ${query.from} and at <= ${query.to}
    group by service, replica, (at / ${sql.lit(step)})
    order by bucket, service, replica
  `.execute(ex);
  const num = (v: unknown) => Number(v);
  return rows.map((r) => ({
    resolution: query.resolution,
    at: num(r.bucket),
    tenant_id: "",
    instance_id: query.instanceId,
    service: String(r.service),
    replica: num(r.replica),
    samples: num(r.samples),
    cpu_cores: r.cpu_cores === null ? null : num(r.cpu_cores),
    cpu_cores_max: r.cpu_cores_max === null ? null : num(r.cpu_cores_max),
    cpu_limit_cores: num(r.cpu_limit_cores),
    memory_bytes: Math.round(num(r.memory_bytes)),
    memory_bytes_max: num(r.memory_bytes_max),
    memory_limit_bytes: num(r.memory_limit_bytes),
    network_rx_bytes: num(r.network_rx_bytes),
    network_tx_bytes: num(r.network_tx_bytes),
    block_read_bytes: num(r.block_read_bytes),
    block_write_bytes: num(r.block_write_bytes),
    pids: num(r.pids),
  }));
}

import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { MAX_METRIC_POINTS, type MetricsQuery } from "../domain/metricsQuery.js";
import { counterGrowth, HOUR_MS, MINUTE_MS, percentOf } from "../domain/resourceSamples.js";
import { findInstance } from "../store/instanceRepository.js";
import {
  instanceSampleBuckets,
  instanceSamples,
  instanceVolumeUsage,
  type ResourceSampleRow,
} from "../store/resourceSampleRepository.js";
import type { SampleResolution } from "../store/schema.js";
import { type Caller, requireTenant } from "../tenancy/principal.js";

/** One point of one container's series. */
export interface MetricPoint {
  at: string;
  cpuCores: number | null;
  cpuPercent: number | null;
  cpuLimitCores: number;
  memoryBytes: number;
  memoryPeakBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number | null;
  networkRxBytes: number;
  networkTxBytes: number;
  /** Since the point before (null for the first point). */
  networkRxBytesPerSecond: number | null;
  networkTxBytesPerSecond: number | null;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

export interface InstanceMetricsView {
  tenant: string;
  instance: string;
  from: string;
  to: string;
  stepSeconds: number;
  /** Which rows the points were made from: raw samples, 1-minute or 1-hour rollups (older ranges are coarser). */
  resolution: SampleResolution;
  series: Array<{ service: string; replica: number; points: MetricPoint[] }>;
  volumes: Array<{ volume: string; bytes: number; at: string }>;
}

function toPoint(row: ResourceSampleRow, before: ResourceSampleRow | undefined): MetricPoint {
  const seconds = before ? (row.at - before.at) / 1000 : 0;
  const rate = (a: number, b: number | undefined) =>
    before && b !== undefined && seconds > 0 ? counterGrowth(b, a) / seconds : null;
  return {
    at: new Date(row.at).toISOString(),
    cpuCores: row.cpu_cores,
    cpuPercent: percentOf(row.cpu_cores, row.cpu_limit_cores),
    cpuLimitCores: row.cpu_limit_cores,
    memoryBytes: row.memory_bytes,
    memoryPeakBytes: row.memory_bytes_max,
    memoryLimitBytes: row.memory_limit_bytes,
    memoryPercent: percentOf(row.memory_bytes, row.memory_limit_bytes),
    networkRxBytes: row.network_rx_bytes,
    networkTxBytes: row.network_tx_bytes,
    networkRxBytesPerSecond: rate(row.network_rx_bytes, before?.network_rx_bytes),
    networkTxBytesPerSecond: rate(row.network_tx_bytes, before?.network_tx_bytes),
    blockReadBytes: row.block_read_bytes,
    blockWriteBytes: row.block_write_bytes,
    pids: row.pids,
  };
}

/** The finest rows that still cover `from`: raw within their retention, then 1-minute, then 1-hour rollups. */
function resolutionFor(
  p: OperationContext,
  from: number,
  now: number,
): { resolution: SampleResolution; ms: number } {
  const m = p.config.monitor;
  // A minute's slack: "the last hour" asked a moment ago still reads raw samples (the oldest may be pruned).
  if (from >= now - m.rawRetentionMs - MINUTE_MS) return { resolution: "raw", ms: m.intervalMs };
  if (from >= now - m.minuteRetentionMs) return { resolution: "1m", ms: MINUTE_MS };
  return { resolution: "1h", ms: HOUR_MS };
}

/**
 * An instance's resource series between `from` and `to` (default: the last hour), a point per `step` per container,
 * and its volumes' latest sizes. Needs `instance.read` in the tenant; another tenant's instance is "not found".
 */
export async function readInstanceMetrics(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  name: string,
  query: MetricsQuery,
): Promise<InstanceMetricsView> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  const instance = await findInstance(p.store.db, tenant.id, name);
  if (!instance) throw new AimsError("not_found", `no instance ${name} in tenant ${tenantName}`);
  const now = Date.now();
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - HOUR_MS;
  if (from >= to) throw new AimsError("invalid_input", "from must be before to");
  const { resolution, ms } = resolutionFor(p, from, now);
  const stepMs =
    query.step !== undefined
      ? query.step * 1000
      : Math.max(ms, Math.ceil((to - from) / MAX_METRIC_POINTS / 1000) * 1000);
  if ((to - from) / stepMs > MAX_METRIC_POINTS)
    throw new AimsError(
      "invalid_input",
      `from..to at step ${stepMs / 1000} s makes more than ${MAX_METRIC_POINTS} points; ask for a step of at least ${Math.ceil((to - from) / MAX_METRIC_POINTS / 1000)} s`,
    );
  // A step coarser than the rows' own resolution is folded by the database; otherwise the rows are the points.
  const rows =
    stepMs > ms
      ? await instanceSampleBuckets(p.store.db, { instanceId: instance.id, resolution, from, to, stepMs })
      : await instanceSamples(p.store.db, { instanceId: instance.id, resolution, from, to });
  const byContainer = new Map<string, ResourceSampleRow[]>();
  for (const row of rows) {
    const key = `${row.service}\n${row.replica}`;
    let list = byContainer.get(key);
    if (!list) {
      list = [];
      byContainer.set(key, list);
    }
    list.push(row);
  }
  const series = [...byContainer.values()].map((points) => ({
    service: points[0]!.service,
    replica: points[0]!.replica,
    points: points.map((r, i) => toPoint(r, points[i - 1])),
  }));
  series.sort((a, b) => a.service.localeCompare(b.service) || a.replica - b.replica);
  const volumes = (await instanceVolumeUsage(p.store.db, instance.id)).map((v) => ({
    volume: v.volume,
    bytes: v.bytes,
    at: new Date(v.at).toISOString(),
  }));
  return {
    tenant: tenant.name,
    instance: instance.name,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    stepSeconds: stepMs / 1000,
    resolution,
    series,
    volumes,
  };
}

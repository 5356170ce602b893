import type Dockerode from "dockerode";
import type { ContainerStats, VolumeUsage } from "../RuntimeDriver.js";

/** The part of the engine's stats answer AIMS reads (cgroup v1 and v2 spell block I/O ops differently). */
interface EngineStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
}

/**
 * A container's counters from one one-shot stats call (one reading, not the two a plain call waits a second for): CPU time is
 * cumulative and the caller turns two readings into a rate. Memory is what `docker stats` shows: usage less the
 * inactive page cache, which the kernel drops before it kills anything.
 */
export function toContainerStats(raw: EngineStats, cpuLimitCores: number, atMs: number): ContainerStats {
  const memory = raw.memory_stats ?? {};
  const cache = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? 0;
  const usage = Math.max(0, (memory.usage ?? 0) - cache);
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(raw.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === "read") read += entry.value;
    else if (op === "write") write += entry.value;
  }
  const readAt = raw.read ? Date.parse(raw.read) : Number.NaN;
  return {
    atMs: Number.isFinite(readAt) && readAt > 0 ? readAt : atMs,
    cpuNanos: raw.cpu_stats?.cpu_usage?.total_usage ?? 0,
    cpuLimitCores,
    memoryBytes: usage,
    memoryLimitBytes: memory.limit ?? 0,
    networkRxBytes: rx,
    networkTxBytes: tx,
    blockReadBytes: read,
    blockWriteBytes: write,
    pids: raw.pids_stats?.current ?? 0,
  };
}

/** One one-shot stats reading of a container. */
export async function readContainerStats(
  docker: Dockerode,
  id: string,
  cpuLimitCores: number,
): Promise<ContainerStats> {
  const raw = (await docker.getContainer(id).stats({ stream: false, "one-shot": true } as {
    stream: false;
  })) as EngineStats;
  return toContainerStats(raw, cpuLimitCores, Date.now());
}

interface DiskUsage {
  Volumes?: Array<{ Name: string; Labels?: Record<string, string> | null; UsageData?: { Size?: number } }>;
}

/** Every volume's size as the engine's disk-usage report counts it, for the volumes carrying all `labels`. */
export async function readVolumeUsage(
  docker: Dockerode,
  labels: Record<string, string>,
): Promise<VolumeUsage[]> {
  // `type=volume`: only volumes are sized, not images, containers and the build cache (dockerode's df() sends no query).
  const report = await new Promise<DiskUsage>((resolve, reject) =>
    docker.modem.dial(
      { path: "/system/df?type=volume", method: "GET", statusCodes: { 200: true, 500: "server error" } },
      (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as DiskUsage)),
    ),
  );
  return (report.Volumes ?? [])
    .filter((v) => Object.entries(labels).every(([k, value]) => v.Labels?.[k] === value))
    .map((v) => ({
      name: v.Name,
      labels: { ...(v.Labels ?? {}) },
      bytes: Math.max(0, v.UsageData?.Size ?? 0),
    }));
}

/**
 * Resource samples, pure: CPU rates from two cumulative readings, rollups of readings into buckets, percentages of
 * a limit and limit recommendations from observed use (docs/monitoring.md).
 */

/** One reading of a container's counters, as the sampler keeps it between passes. */
export interface CounterReading {
  atMs: number;
  cpuNanos: number;
}

/** A sample row's numbers, whatever its resolution (the store's resource_samples columns). */
export interface SampleNumbers {
  at: number;
  tenant_id: string;
  instance_id: string;
  service: string;
  replica: number;
  samples: number;
  cpu_cores: number | null;
  cpu_cores_max: number | null;
  cpu_limit_cores: number;
  memory_bytes: number;
  memory_bytes_max: number;
  memory_limit_bytes: number;
  network_rx_bytes: number;
  network_tx_bytes: number;
  block_read_bytes: number;
  block_write_bytes: number;
  pids: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/**
 * Cores in use between two readings of one container (1 = one full core); null without an earlier reading, or when
 * the counter went back (the container restarted under the same id) or no time passed.
 * @example cpuCoresBetween({ atMs: 0, cpuNanos: 0 }, { atMs: 1000, cpuNanos: 5e8 }) // 0.5
 */
export function cpuCoresBetween(previous: CounterReading | undefined, next: CounterReading): number | null {
  if (!previous) return null;
  const elapsedMs = next.atMs - previous.atMs;
  const used = next.cpuNanos - previous.cpuNanos;
  if (elapsedMs <= 0 || used < 0) return null;
  return used / (elapsedMs * 1e6);
}

/** `value` as a percentage of `limit`, or null when either is unknown (no limit, no reading). */
export function percentOf(value: number | null, limit: number): number | null {
  if (value === null || !(limit > 0)) return null;
  return (value / limit) * 100;
}

/**
 * Folds rows (raw readings or finer rollups) into one row per container and bucket of `bucketMs`, the bucket
 * starting at `at`: averages weighted by how many readings each row holds, peaks kept, counters at their last value.
 */
export function rollUp(rows: readonly SampleNumbers[], bucketMs: number): SampleNumbers[] {
  const buckets = new Map<string, SampleNumbers[]>();
  for (const row of rows) {
    const at = Math.floor(row.at / bucketMs) * bucketMs;
    const key = `${row.instance_id}\n${row.service}\n${row.replica}\n${at}`;
    let list = buckets.get(key);
    if (!list) {
      list = [];
      buckets.set(key, list);
    }
    list.push(row);
  }
  return [...buckets.values()].map((list) => {
    const sorted = [...list].sort((a, b) => a.at - b.at);
    const last = sorted[sorted.length - 1]!;
    const samples = sorted.reduce((n, r) => n + r.samples, 0);
    const withCpu = sorted.filter((r) => r.cpu_cores !== null);
    const cpuWeight = withCpu.reduce((n, r) => n + r.samples, 0);
    return {
      ...last,
      at: Math.floor(last.at / bucketMs) * bucketMs,
      samples,
      cpu_cores: cpuWeight ? withCpu.reduce((sum, r) => sum + r.cpu_cores! * r.samples, 0) / cpuWeight : null,
      cpu_cores_max: withCpu.length ? Math.max(...withCpu.map((r) => r.cpu_cores_max ?? r.cpu_cores!)) : null,
      memory_bytes: Math.round(sorted.reduce((sum, r) => sum + r.memory_bytes * r.samples, 0) / samples),
      memory_bytes_max: Math.max(...sorted.map((r) => r.memory_bytes_max)),
    };
  });
}

/** Growth of a cumulative counter between two values; a drop means the counter restarted from zero. */
export function counterGrowth(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** What `aims stats --recommend` suggests for one service. */
export interface LimitRecommendation {
  cpu: number;
  memoryBytes: number;
  reason: string;
}

/**
 * A service's limits from what it used: its CPU peak and memory peak with headroom (CPU ×1.5, memory ×1.3), rounded
 * up to steps a person would write (0.05 cores, 16 MiB), never below 0.05 cores and 32 MiB.
 */
export function recommendLimits(
  observed: { cpuPeak: number | null; memoryPeak: number; samples: number },
  current: { cpu: number; memoryBytes: number },
): LimitRecommendation {
  const mib = 1024 * 1024;
  const cpu =
    observed.cpuPeak === null
      ? current.cpu
      : Math.max(0.05, Math.ceil((observed.cpuPeak * 1.5) / 0.05) * 0.05);
  const memoryBytes = Math.max(32 * mib, Math.ceil((observed.memoryPeak * 1.3) / (16 * mib)) * 16 * mib);
  const words: string[] = [];
  if (observed.cpuPeak !== null)
    words.push(`CPU peaked at ${observed.cpuPeak.toFixed(2)} of ${current.cpu} cores`);
  words.push(
    `memory peaked at ${Math.round(observed.memoryPeak / mib)} MiB of ${Math.round(current.memoryBytes / mib)} MiB`,
  );
  words.push(`over ${observed.samples} sample(s)`);
  return { cpu: Number(cpu.toFixed(2)), memoryBytes, reason: words.join(", ") };
}

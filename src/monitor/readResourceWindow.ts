import { percentOf } from "../domain/resourceSamples.js";
import type { Store } from "../store/database.js";
import { instanceSamples } from "../store/resourceSampleRepository.js";

/** The averages of one instance (or one of its services) over a window: what alerts and the autoscaler read. */
export interface ResourceWindow {
  /** Average CPU in use as a percentage of the CPU limit, over every reading and replica; null without readings. */
  cpuPercent: number | null;
  /** Average memory in use as a percentage of the memory limit; null without readings. */
  memoryPercent: number | null;
  /** Readings the averages are over (raw samples, counting each replica's). */
  samples: number;
  /** Distinct replicas seen in the window. */
  replicas: number;
}

/**
 * Averages CPU and memory, each as a percentage of its limit, of an instance's containers sampled at or after
 * `since` (epoch ms), from raw samples (kept `monitor.rawRetentionMs`, 1 h by default; an older `since` reads what
 * is left). Scoped by tenant: another tenant's instance id reads as no samples.
 * @example await readResourceWindow(p.store, { tenantId, instanceId, service: "web", since: Date.now() - 120_000 })
 */
export async function readResourceWindow(
  store: Pick<Store, "db">,
  query: { tenantId: string; instanceId: string; service?: string; since: number },
): Promise<ResourceWindow> {
  const rows = (
    await instanceSamples(store.db, {
      instanceId: query.instanceId,
      resolution: "raw",
      from: query.since,
      to: Number.MAX_SAFE_INTEGER,
      ...(query.service !== undefined ? { service: query.service } : {}),
    })
  ).filter((r) => r.tenant_id === query.tenantId);
  const cpu = rows.map((r) => percentOf(r.cpu_cores, r.cpu_limit_cores)).filter((v) => v !== null);
  const memory = rows.map((r) => percentOf(r.memory_bytes, r.memory_limit_bytes)).filter((v) => v !== null);
  const average = (values: number[]) =>
    values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  return {
    cpuPercent: average(cpu),
    memoryPercent: average(memory),
    samples: rows.length,
    replicas: new Set(rows.map((r) => `${r.service}\n${r.replica}`)).size,
  };
}

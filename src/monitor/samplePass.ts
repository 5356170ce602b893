import pLimit from "p-limit";
import type { ReconcilerContext } from "../context.js";
import { type CounterReading, cpuCoresBetween } from "../domain/resourceSamples.js";
import { LABEL } from "../runtime/RuntimeDriver.js";
import type { ResourceSampleRow } from "../store/resourceSampleRepository.js";
import { upsertSamples } from "../store/resourceSampleRepository.js";

/** What one pass did. */
export interface PassReport {
  at: number;
  containers: number;
  /** Containers whose stats call failed or that stopped during the pass (left for the next pass). */
  missed: number;
  rows: ResourceSampleRow[];
}

/** The sampler of one process: the previous CPU reading of each container, so two passes give a rate. */
export interface Sampler {
  /** One pass: one list call, then one one-shot stats call per running AIMS container (bounded), one insert. */
  pass(): Promise<PassReport>;
}

/** Builds a sampler over the reconciler's runtime driver (only the reconciler side talks to the engine). */
export function createSampler(p: ReconcilerContext): Sampler {
  const previous = new Map<string, CounterReading>();
  const limit = pLimit(p.config.monitor.concurrency);
  return {
    async pass() {
      const at = Date.now();
      const { containers } = await p.runtime.listManaged({ [LABEL.installation]: p.store.installationId });
      const running = containers.filter(
        (c) => c.running && c.labels[LABEL.instance] && c.labels[LABEL.tenant] && c.labels[LABEL.service],
      );
      let missed = 0;
      const readings = await Promise.all(
        running.map((c) =>
          limit(async () => {
            try {
              const stats = await p.runtime.containerStats(c.id);
              if (!stats) missed++;
              return stats ? { container: c, stats } : undefined;
            } catch {
              missed++;
              return undefined;
            }
          }),
        ),
      );
      const rows: ResourceSampleRow[] = [];
      const seen = new Set<string>();
      for (const reading of readings) {
        if (!reading) continue;
        const { container: c, stats } = reading;
        seen.add(c.id);
        const cpu = cpuCoresBetween(previous.get(c.id), stats);
        previous.set(c.id, { atMs: stats.atMs, cpuNanos: stats.cpuNanos });
        rows.push({
          resolution: "raw",
          at: stats.atMs,
          tenant_id: c.labels[LABEL.tenant]!,
          instance_id: c.labels[LABEL.instance]!,
          service: c.labels[LABEL.service]!,
          replica: Number(c.labels[LABEL.replica] ?? 1) || 1,
          samples: 1,
          cpu_cores: cpu,
          cpu_cores_max: cpu,
          cpu_limit_cores: stats.cpuLimitCores,
          memory_bytes: stats.memoryBytes,
          memory_bytes_max: stats.memoryBytes,
          memory_limit_bytes: stats.memoryLimitBytes,
          network_rx_bytes: stats.networkRxBytes,
          network_tx_bytes: stats.networkTxBytes,
          block_read_bytes: stats.blockReadBytes,
          block_write_bytes: stats.blockWriteBytes,
          pids: stats.pids,
        });
      }
      // Containers gone since the last pass are forgotten, so the map stays the size of what runs.
      for (const id of previous.keys()) if (!seen.has(id)) previous.delete(id);
      if (rows.length) await upsertSamples(p.store.db, rows);
      return { at, containers: running.length, missed, rows };
    },
  };
}

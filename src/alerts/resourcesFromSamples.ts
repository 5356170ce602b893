import type { ReconcilerContext } from "../context.js";
import type { ResourceWindow } from "../domain/alerts.js";
import { readResourceWindow } from "../monitor/readResourceWindow.js";
import type { ResourceReader } from "./alertLoop.js";

/**
 * The alert rules' view of the resource samples (src/monitor): for each running instance, CPU and memory
 * averaged over the last two sampling intervals (the rules' own `resourceForMs` says how long it must hold),
 * and each of its volumes' latest size.
 */
export function resourcesFromSamples(p: ReconcilerContext): ResourceReader {
  return async (rows, now) => {
    const windows = new Map<string, ResourceWindow>();
    const running = rows.filter((r) => r.desired_state === "running" && r.observed_state === "ready");
    if (!running.length) return windows;
    const since = now - 2 * p.config.monitor.intervalMs;
    const volumes = await p.store.db
      .selectFrom("volume_usage")
      .select(["instance_id", "volume", "bytes", "at"])
      .where(
        "instance_id",
        "in",
        running.map((r) => r.id),
      )
      .orderBy("at")
      .execute();
    for (const row of running) {
      const window = await readResourceWindow(p.store, {
        tenantId: row.tenant_id,
        instanceId: row.id,
        since,
      });
      const bytes: Record<string, number> = {};
      // Oldest first: the last one read for a volume is its latest size.
      for (const v of volumes) if (v.instance_id === row.id) bytes[v.volume] = Number(v.bytes);
      windows.set(row.id, {
        ...(window.cpuPercent !== null ? { cpuPercentOfLimit: window.cpuPercent } : {}),
        ...(window.memoryPercent !== null ? { memoryPercentOfLimit: window.memoryPercent } : {}),
        ...(Object.keys(bytes).length ? { volumeBytes: bytes } : {}),
      });
    }
    return windows;
  };
}

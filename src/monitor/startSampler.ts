import type { ReconcilerContext } from "../context.js";
import { maintainRollups, type RollupMarks } from "./rollups.js";
import { createSampler, type PassReport } from "./samplePass.js";
import { sampleVolumes } from "./volumePass.js";

export interface SamplerHandle {
  /** Stops the loop and waits for a running pass. */
  stop(): Promise<void>;
  /** Resolves after the next pass has been stored (tests, start-up). */
  sampled(): Promise<PassReport>;
}

/**
 * The sampling loop of `aims serve` (beside the reconciler loop): a pass every `monitor.intervalMs`, its rollups
 * and retention after it, volume sizes every `monitor.volumeIntervalMs`. A failed pass (the engine went away) is
 * logged and the next one tries again; passes never overlap.
 */
export function startSampler(
  p: ReconcilerContext,
  onPass?: (report: PassReport | undefined, seconds: number) => void,
): SamplerHandle {
  const sampler = createSampler(p);
  const marks: RollupMarks = {};
  const { intervalMs, volumeIntervalMs } = p.config.monitor;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let volumesAt = 0;
  const waiters: Array<(r: PassReport) => void> = [];

  const run = async () => {
    const started = performance.now();
    try {
      const report = await sampler.pass();
      await maintainRollups(p.store.db, p.config.monitor, Date.now(), marks);
      if (Date.now() - volumesAt >= volumeIntervalMs) {
        volumesAt = Date.now();
        await sampleVolumes(p).catch((err: Error) =>
          p.logger.warn({ err: err.message }, "volume sizes unavailable; trying again later"),
        );
      }
      onPass?.(report, (performance.now() - started) / 1000);
      for (const w of waiters.splice(0)) w(report);
    } catch (err) {
      onPass?.(undefined, (performance.now() - started) / 1000);
      p.logger.warn({ err: (err as Error).message }, "resource sampling failed; next pass tries again");
    }
  };

  const loop = () => {
    if (stopped) return;
    const began = Date.now();
    running = run().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(loop, Math.max(0, intervalMs - (Date.now() - began)));
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    sampled: () => new Promise((resolve) => waiters.push(resolve)),
  };
}

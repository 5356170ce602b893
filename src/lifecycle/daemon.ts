import { setTimeout as sleep } from "node:timers/promises";
import type { ReconcilerContext } from "../context.js";
import { LABEL, type ProgressSink } from "../runtime/RuntimeDriver.js";
import { reconcileAll, type TickReport } from "./reconcileAll.js";

export interface DaemonHandle {
  /** Stops ticking and event watching, waits for running jobs (bounded), then resolves. */
  stop(): Promise<void>;
  /** Resolves after the next full tick completes (tests, `aims serve` start-up). */
  ticked(): Promise<TickReport>;
}

/**
 * The reconcile loop of `aims serve`: a tick on start, on a timer, at the earliest restart backoff, and
 * soon after any container event of this install (die, oom, destroy, ...). Jobs run detached with bounded
 * concurrency; an instance is never worked on twice at once. Survives the engine going away and coming back.
 */
export function startDaemon(
  p: ReconcilerContext,
  progress: ProgressSink,
  onTick?: (report: TickReport | undefined, seconds: number) => void,
  /** Runs after each tick that succeeded, inside the loop (alert evaluation and zombie detection, src/alerts). */
  afterTick?: () => Promise<void>,
): DaemonHandle {
  const stopping = new AbortController();
  const inFlight = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let again = false;
  const waiters: Array<(r: TickReport) => void> = [];

  const schedule = (delayMs: number) => {
    if (stopping.signal.aborted) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), Math.max(0, delayMs));
  };

  const tick = async (): Promise<void> => {
    if (stopping.signal.aborted) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    let delay = p.config.reconcile.intervalMs;
    const started = performance.now();
    try {
      const report = await reconcileAll(p, progress, {
        mode: "detach",
        inFlight,
        onJobDone: (retryAt) => schedule(retryAt ? retryAt - Date.now() : 0),
      });
      if (report.acted.length || report.orphans.containers + report.orphans.networks + report.orphans.volumes)
        p.logger.info(
          { acted: report.acted, orphans: report.orphans, ms: Math.round(report.durationMs) },
          "reconcile tick",
        );
      if (report.nextRetryAt) delay = Math.min(delay, report.nextRetryAt - Date.now());
      onTick?.(report, (performance.now() - started) / 1000);
      await afterTick?.();
      for (const w of waiters.splice(0)) w(report);
    } catch (err) {
      onTick?.(undefined, (performance.now() - started) / 1000);
      p.logger.warn({ err: (err as Error).message }, "reconcile tick failed; retrying");
      delay = Math.min(delay, 1000);
    } finally {
      ticking = false;
    }
    if (again) {
      again = false;
      delay = 0;
    }
    schedule(delay);
  };

  const watchEvents = async () => {
    let backoff = 500;
    while (!stopping.signal.aborted) {
      try {
        for await (const e of p.runtime.events(
          { [LABEL.installation]: p.store.installationId },
          stopping.signal,
        )) {
          backoff = 500;
          if (["die", "oom", "destroy", "kill", "stop"].includes(e.action)) schedule(50);
        }
      } catch (err) {
        p.logger.warn({ err: (err as Error).message }, "engine events unavailable; reconnecting");
      }
      if (stopping.signal.aborted) break;
      // The stream ended: the engine restarted or went away. Reconnect, then look at everything.
      await sleep(backoff, undefined, { signal: stopping.signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, 10_000);
      schedule(0);
    }
  };

  void watchEvents();
  schedule(0);
  return {
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      const deadline = Date.now() + 30_000;
      while ((ticking || inFlight.size) && Date.now() < deadline) await sleep(50);
    },
    ticked: () => new Promise((resolve) => waiters.push(resolve)),
  };
}

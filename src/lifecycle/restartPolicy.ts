import type { Platform } from "../main.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import { transition } from "./transition.js";

/** Delay before restart number `attempt` (1-based): backoff, doubling each time. */
export function restartDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * Which restart this crash is: a fresh count when the instance had run stably since its last (re)start,
 * else one more. A retry that itself failed (`retry_at` set) never resets the count.
 */
export function nextFailureCount(row: InstanceRow, now: number, stableAfterMs: number): number {
  if (row.retry_at) return row.failures + 1;
  const since = row.last_restart_at ?? row.first_ready_at;
  if (!since || now - Date.parse(since) >= stableAfterMs) return 1;
  return row.failures + 1;
}

/**
 * Records a crash: `degraded` with a restart scheduled after backoff, or `failed` with the reason once
 * the retries are spent. Docker's restart policy is `no`, so this is the only restarter.
 */
export async function scheduleRestart(
  p: Platform,
  tenant: { id: string; name: string },
  row: InstanceRow,
  container: string | undefined,
  reason: string,
): Promise<InstanceRow> {
  const now = Date.now();
  const { maxRetries, backoffMs, stableAfterMs } = p.config.restart;
  const failures = nextFailureCount(row, now, stableAfterMs);
  const what = container ? `${container}: ${reason}` : reason;
  if (failures > maxRetries) {
    return transition(
      p,
      tenant,
      row,
      {
        observed_state: "failed",
        failures,
        retry_at: null,
        reason: `${what} (gave up after ${maxRetries} restarts)`,
      },
      { event: "instance.failed", result: "failed", data: { reason: what, restarts: maxRetries } },
    );
  }
  const delay = restartDelay(backoffMs, failures);
  return transition(
    p,
    tenant,
    row,
    {
      observed_state: "degraded",
      failures,
      retry_at: new Date(now + delay).toISOString(),
      reason: `${what}; restart ${failures}/${maxRetries} in ${(delay / 1000).toFixed(1)}s`,
    },
    { event: "instance.degraded", data: { reason: what, restart: failures, inMs: delay } },
  );
}

import { setTimeout as sleep } from "node:timers/promises";
import { AimsError } from "../domain/errors.js";
import type { Platform } from "../main.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { getInstanceForReconciler, type InstanceRow } from "../store/instanceRepository.js";
import { withLease } from "./leases.js";
import { reconcileInstance } from "./reconcileInstance.js";

/** True when the instance has reached what was asked of it (or definitively failed). */
export function settled(row: InstanceRow): boolean {
  if (row.removed_at) return true;
  if (row.desired_state === "running")
    return row.observed_state === "ready" || row.observed_state === "failed";
  return row.observed_state === row.desired_state;
}

/** The lease name of one instance: only its holder acts on it. */
export const instanceLease = (id: string) => `instance:${id}`;

/**
 * Reconciles one instance in this process under its lease until it settles, sleeping through restart
 * backoffs. When another process (e.g. `aims serve`) holds the lease, waits for that process to settle
 * it instead. Bounded by `timeoutMs`.
 */
export async function driveInstance(
  p: Platform,
  instanceId: string,
  progress: ProgressSink,
  timeoutMs = 15 * 60_000,
): Promise<InstanceRow> {
  const deadline = Date.now() + timeoutMs;
  let waitingSaid = false;
  for (;;) {
    const attempt = await withLease(p.store.db, instanceLease(instanceId), () =>
      reconcileInstance(p, instanceId, progress),
    );
    const row = await getInstanceForReconciler(p.store.db, instanceId);
    if (!row) throw new AimsError("not_found", `instance ${instanceId} disappeared`);
    if (settled(row)) return row;
    if (Date.now() > deadline)
      throw new AimsError(
        "unavailable",
        `instance ${row.name} did not settle within ${Math.round(timeoutMs / 1000)}s (it is ${row.observed_state}); see \`aims events\``,
      );
    if (!attempt.ran) {
      if (!waitingSaid) progress("another AIMS process is acting on this instance; waiting for it");
      waitingSaid = true;
      await sleep(250);
    } else if (attempt.value.retryAt) {
      progress(row.reason ?? "waiting to retry");
      await sleep(Math.max(20, attempt.value.retryAt - Date.now()));
    } else {
      await sleep(50);
    }
  }
}

/** Turns a settled row into the CLI/API outcome: failures and rollbacks are errors a person can act on. */
export function assertSucceeded(row: InstanceRow): InstanceRow {
  if (row.observed_state === "failed") throw new AimsError("failed", row.reason ?? "the instance failed");
  if (row.reason?.startsWith("update to revision")) throw new AimsError("failed", row.reason);
  return row;
}

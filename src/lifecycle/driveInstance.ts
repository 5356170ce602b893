import { setTimeout as sleep } from "node:timers/promises";
import type { ReconcilerContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { getInstanceForReconciler, type InstanceRow } from "../store/instanceRepository.js";
import { withLease } from "../store/leases.js";
import { settled } from "./outcome.js";
import { reconcileInstance } from "./reconcileInstance.js";
import { STILL_WAITING_EVERY_MS } from "./waitForHealthy.js";

/** The lease name of one instance: only its holder acts on it. */
export const instanceLease = (id: string) => `instance:${id}`;

/**
 * Reconciles one instance in this process under its lease until it settles, sleeping through restart
 * backoffs. When another process (e.g. `aims serve`) holds the lease, waits for that process to settle
 * it instead. Bounded by `timeoutMs`.
 */
export async function driveInstance(
  p: ReconcilerContext,
  instanceId: string,
  progress: ProgressSink,
  timeoutMs = 15 * 60_000,
): Promise<InstanceRow> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let waitingSaid = Number.NEGATIVE_INFINITY;
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
      if (Date.now() - waitingSaid >= STILL_WAITING_EVERY_MS) {
        const waited = waitingSaid < started ? "" : ` (${Math.round((Date.now() - started) / 1000)} s)`;
        progress(`another AIMS process is acting on this instance; waiting for it${waited}`);
        waitingSaid = Date.now();
      }
      await sleep(250);
    } else if (attempt.value.retryAt) {
      progress(row.reason ?? "waiting to retry");
      await sleep(Math.max(20, attempt.value.retryAt - Date.now()));
    } else {
      await sleep(50);
    }
  }
}

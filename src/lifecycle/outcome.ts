import { AimsError } from "../domain/errors.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import { restartDue, updateDue } from "./planReconcile.js";

/** True when the instance has reached what was asked of it (or definitively failed). */
export function settled(row: InstanceRow): boolean {
  if (row.removed_at) return true;
  if (row.desired_state === "running") {
    if (restartDue(row) || updateDue(row)) return false;
    return row.observed_state === "ready" || row.observed_state === "failed";
  }
  return row.observed_state === row.desired_state;
}

/** Turns a settled row into the CLI/API outcome: failures and rollbacks are errors a person can act on. */
export function assertSucceeded(row: InstanceRow): InstanceRow {
  if (row.observed_state === "failed") {
    const code = row.failure_code === "unavailable" ? "unavailable" : "failed";
    throw new AimsError(code, row.reason ?? "the instance failed");
  }
  if (row.reason?.startsWith("update to revision")) throw new AimsError("failed", row.reason);
  return row;
}

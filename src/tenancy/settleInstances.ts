import type { OperationContext } from "../context.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { InstanceRow } from "../store/instanceRepository.js";

/** One instance's outcome: the settled row, or the error that stopped the reconciler for it. */
export type Settled = { id: string; row: InstanceRow } | { id: string; error: unknown };

/**
 * Runs the reconciler for every instance a tenant action changed, all at once (each under its own lease),
 * and answers each outcome: one instance that fails does not leave the others unsettled.
 */
export async function settleInstances(
  p: OperationContext,
  ids: readonly string[],
  progress: ProgressSink,
): Promise<Settled[]> {
  const outcomes = await Promise.allSettled(ids.map((id) => p.settleInstance(id, progress)));
  return outcomes.map((o, i) =>
    o.status === "fulfilled" ? { id: ids[i]!, row: o.value } : { id: ids[i]!, error: o.reason },
  );
}

/** The message of an outcome's error, for a refusal that names the instances it is about. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

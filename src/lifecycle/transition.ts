import type { Transaction } from "kysely";
import type { OperationContext } from "../context.js";
import { SERVING_STATES } from "../proxy/routes.js";
import {
  type InstanceRow,
  type InstanceStatePatch,
  settleRevision,
  updateInstanceState,
} from "../store/instanceRepository.js";
import { recordChange } from "../store/recordChange.js";
import type { Database, RevisionOutcome } from "../store/schema.js";
import type { Actor } from "./actor.js";
import { instanceChange } from "./changeRecord.js";

/** Writes that belong to a state change, made in its transaction. */
export type Writes = (trx: Transaction<Database>) => Promise<void>;

/** How long a change that moves no traffic (only the page a visitor sees) may wait for another apply. */
const PAGE_ONLY_WAIT_MS = 1000;

/** The reconciler's own actor in audit entries. */
export const RECONCILER: Actor = { id: "reconciler", source: "reconciler" };

/**
 * One state change of an instance: the row patch, its event and its audit entry in one transaction.
 * Returns the updated row.
 */
export async function transition(
  p: OperationContext,
  tenant: { id: string; name: string },
  row: InstanceRow,
  patch: InstanceStatePatch,
  change: {
    event: string;
    action?: string;
    result?: "ok" | "failed";
    data?: Record<string, unknown>;
    /** What became of a revision (history), in the same transaction. */
    outcome?: { revision: number; outcome: RevisionOutcome; reason: string | null };
    /** More writes that belong to the same change (ports and secrets released, volumes kept). */
    within?: Writes;
  },
  actor: Actor = RECONCILER,
): Promise<InstanceRow> {
  const updated = await p.store.db.transaction().execute(async (trx) => {
    await change.within?.(trx);
    const changed = await updateInstanceState(trx, row.id, patch);
    if (change.outcome) await settleRevision(trx, row.id, change.outcome);
    await recordChange(
      trx,
      instanceChange(actor, tenant, row, {
        event: change.event,
        action: change.action ?? change.event,
        ...(change.result ? { result: change.result } : {}),
        ...(change.data ? { data: change.data } : {}),
      }),
    );
    return changed;
  });
  // After the commit: the proxy shows every observed state (serving, 503 page, 404). Where traffic goes (a route
  // starts or stops serving) changes at once; between two states that serve nothing (a deploy's pending and
  // starting) only the page a visitor sees changes, which can wait for the apply the instance's readiness asks
  // for, instead of an nginx reload of its own while the container starts.
  const routed = (state: string) => SERVING_STATES.has(state);
  p.requestProxySync(
    routed(row.observed_state) || routed(updated.observed_state)
      ? undefined
      : { withinMs: PAGE_ONLY_WAIT_MS },
  );
  return updated;
}

/** Updates bookkeeping columns with no event (retry timers, counters). */
export async function touch(
  p: OperationContext,
  row: InstanceRow,
  patch: InstanceStatePatch,
): Promise<InstanceRow> {
  return updateInstanceState(p.store.db, row.id, patch);
}

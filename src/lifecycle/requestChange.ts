import type { Transaction } from "kysely";
import type { OperationContext } from "../context.js";
import {
  type InstanceRow,
  type InstanceStatePatch,
  updateInstanceState,
} from "../store/instanceRepository.js";
import { recordChange } from "../store/recordChange.js";
import type { Database } from "../store/schema.js";
import type { Actor } from "./actor.js";
import { instanceChange } from "./changeRecord.js";

export interface ChangeRequest {
  patch: InstanceStatePatch;
  event: string;
  action: string;
  data?: Record<string, unknown>;
  /** More writes that belong to the same change (port allocations, revision rows). */
  within?: (trx: Transaction<Database>) => Promise<void>;
}

/**
 * Writes what a person asked for (desired state, spec, revision) with its event and audit entry in one
 * transaction. The reconciler then makes the world match; entries never call drivers for this.
 */
export async function requestChange(
  p: OperationContext,
  tenant: { id: string; name: string },
  instance: InstanceRow,
  actor: Actor,
  change: ChangeRequest,
): Promise<InstanceRow> {
  return p.store.db.transaction().execute(async (trx) => {
    await change.within?.(trx);
    const row = await updateInstanceState(trx, instance.id, change.patch);
    await recordChange(
      trx,
      instanceChange(actor, tenant, instance, {
        event: change.event,
        action: change.action,
        ...(change.data ? { data: change.data } : {}),
      }),
    );
    return row;
  });
}

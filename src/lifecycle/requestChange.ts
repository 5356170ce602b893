import type { Transaction } from "kysely";
import type { OperationContext } from "../context.js";
import { assertTenantRuns } from "../domain/tenantStatus.js";
import {
  type InstanceRow,
  type InstanceStatePatch,
  updateInstanceState,
} from "../store/instanceRepository.js";
import { recordChange } from "../store/recordChange.js";
import type { Database, DesiredState } from "../store/schema.js";
import { findTenantById } from "../store/tenantRepository.js";
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

/** Desired states that only take something away: asked for in a suspended tenant too. */
const WINDING_DOWN: ReadonlySet<DesiredState> = new Set(["stopped", "suspended", "removed"]);

/**
 * Writes what a person asked for (desired state, spec, revision) with its event and audit entry in one
 * transaction. The reconciler then makes the world match; entries never call drivers for this. A change that
 * would run or alter something is refused in a suspended tenant, checked in the transaction so a suspension
 * that commits first always wins.
 */
export async function requestChange(
  p: OperationContext,
  tenant: { id: string; name: string },
  instance: InstanceRow,
  actor: Actor,
  change: ChangeRequest,
): Promise<InstanceRow> {
  return p.store.db.transaction().execute(async (trx) => {
    if (!(change.patch.desired_state && WINDING_DOWN.has(change.patch.desired_state))) {
      const current = await findTenantById(trx, tenant.id);
      if (current) assertTenantRuns(current);
    }
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

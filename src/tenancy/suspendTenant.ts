import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { instanceChange } from "../lifecycle/changeRecord.js";
import { parseInput } from "../lifecycle/parseInput.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { withTransaction } from "../store/database.js";
import { listInstances, updateInstanceState } from "../store/instanceRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantById, setTenantStatus } from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { actorOf, type Caller, requireTenantForOperator } from "./principal.js";
import { errorText, settleInstances } from "./settleInstances.js";
import { type TenantActionInput, tenantActionInput } from "./tenantInput.js";
import { type TenantStateChange, tenantStateOf } from "./tenantInstances.js";

/**
 * Suspends a tenant (operator only): in one transaction its status becomes `suspended` and every instance is
 * asked to be suspended (desired state, as `aims suspend` asks), each remembering what it was meant to be
 * (`suspended_from`), so `resumeTenant` brings back exactly that. Then the reconciler stops them (data and
 * volumes kept) and the proxy answers AIMS's 503 page at their addresses. While suspended, the tenant's people
 * and keys may only read (`requireTenant`), and nothing of it may run (`assertTenantRuns`).
 */
export async function suspendTenant(
  p: OperationContext,
  caller: Caller,
  raw: TenantActionInput,
  progress: ProgressSink,
): Promise<TenantStateChange> {
  const input = parseInput(tenantActionInput, raw);
  const found = await requireTenantForOperator(
    p.store.db,
    caller.principal,
    input.tenant,
    "suspend a tenant",
  );
  if (found.status === "deleted") throw new AimsError("not_found", `tenant ${found.name} was deleted`);
  if ((await listInstances(p.store.db, { tenantId: found.id })).length) await p.checkEngine();
  const actor = actorOf(caller);
  const { tenant, changed, unchanged } = await withTransaction(p.store.db, async (trx) => {
    const current = await findTenantById(trx, found.id);
    if (!current || current.status === "deleted")
      throw new AimsError("not_found", `tenant ${found.name} was deleted meanwhile`);
    const rows = (await listInstances(trx, { tenantId: current.id })).filter(
      (r) => r.desired_state !== "removed",
    );
    // Already suspended: nothing to record; the instances are settled below in case the last suspend was cut short.
    if (current.status === "suspended") return { tenant: current, changed: rows, unchanged: true };
    const before: Array<{ name: string; was: string }> = [];
    for (const row of rows) {
      const was = row.desired_state as "running" | "stopped" | "suspended";
      await updateInstanceState(trx, row.id, { desired_state: "suspended", suspended_from: was });
      before.push({ name: row.name, was });
      if (was !== "suspended")
        await recordChange(
          trx,
          instanceChange(actor, current, row, {
            event: "instance.suspend_requested",
            action: "instance.suspend",
            data: { tenantSuspended: true, was },
          }),
        );
    }
    const tenant = await setTenantStatus(trx, current.id, "suspended");
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "tenant.suspended",
        action: "tenant.suspend",
        target: `tenant/${current.name}`,
        tenantId: current.id,
        subject: current.name,
        data: { instances: before },
      }),
    );
    return { tenant, changed: rows, unchanged: false };
  });
  p.requestProxySync();
  if (!unchanged) progress(`tenant ${tenant.name} is suspended; stopping its ${changed.length} instance(s)`);
  const outcomes = await settleInstances(
    p,
    changed.map((r) => r.id),
    progress,
  );
  const failed = outcomes.flatMap((o) => ("error" in o ? [errorText(o.error)] : []));
  if (failed.length)
    throw new AimsError(
      "failed",
      `tenant ${tenant.name} is suspended, but ${failed.length} instance(s) did not stop yet (${failed.join("; ")}); the reconciler keeps trying (\`aims ps --tenant ${tenant.name}\`)`,
    );
  return tenantStateOf(p, tenant, unchanged);
}

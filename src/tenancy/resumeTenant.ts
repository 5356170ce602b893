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
 * Resumes a suspended tenant (operator only): in one transaction it becomes `active` again and each instance is
 * asked to be what it was meant to be when the tenant was suspended (`suspended_from`): those that ran start
 * again and are waited for until healthy (like `aims start`); stopped or individually suspended ones stay so.
 */
export async function resumeTenant(
  p: OperationContext,
  caller: Caller,
  raw: TenantActionInput,
  progress: ProgressSink,
): Promise<TenantStateChange> {
  const input = parseInput(tenantActionInput, raw);
  const found = await requireTenantForOperator(p.store.db, caller.principal, input.tenant, "resume a tenant");
  if (found.status === "deleted") throw new AimsError("not_found", `tenant ${found.name} was deleted`);
  if (found.status === "active") return tenantStateOf(p, found, true);
  if ((await listInstances(p.store.db, { tenantId: found.id })).length) await p.checkEngine();
  const actor = actorOf(caller);
  const { tenant, changed } = await withTransaction(p.store.db, async (trx) => {
    const current = await findTenantById(trx, found.id);
    if (current?.status !== "suspended")
      throw new AimsError("conflict", `tenant ${found.name} changed meanwhile; see \`aims tenant list\``);
    const rows = (await listInstances(trx, { tenantId: current.id })).filter(
      (r) => r.desired_state !== "removed",
    );
    const restored: Array<{ name: string; to: string }> = [];
    for (const row of rows) {
      const to = row.suspended_from ?? row.desired_state;
      await updateInstanceState(trx, row.id, {
        desired_state: to as "running" | "stopped" | "suspended",
        suspended_from: null,
      });
      restored.push({ name: row.name, to });
      if (to !== row.desired_state)
        await recordChange(
          trx,
          instanceChange(actor, current, row, {
            event: "instance.resume_requested",
            action: "instance.resume",
            data: { tenantResumed: true, to },
          }),
        );
    }
    const tenant = await setTenantStatus(trx, current.id, "active");
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "tenant.resumed",
        action: "tenant.resume",
        target: `tenant/${current.name}`,
        tenantId: current.id,
        subject: current.name,
        data: { instances: restored },
      }),
    );
    return { tenant, changed: rows };
  });
  p.requestProxySync();
  const starting = changed.filter((r) => r.suspended_from === "running").length;
  progress(`tenant ${tenant.name} is active again; starting ${starting} instance(s)`);
  const outcomes = await settleInstances(
    p,
    changed.map((r) => r.id),
    progress,
  );
  const failed = outcomes.flatMap((o) => {
    if ("error" in o) return [errorText(o.error)];
    return o.row.observed_state === "failed" ? [`${o.row.name}: ${o.row.reason ?? "it failed"}`] : [];
  });
  if (failed.length)
    throw new AimsError(
      "failed",
      `tenant ${tenant.name} is active again, but ${failed.length} instance(s) did not become healthy: ${failed.join("; ")} (see \`aims ps --tenant ${tenant.name}\`)`,
    );
  return tenantStateOf(p, tenant, false);
}

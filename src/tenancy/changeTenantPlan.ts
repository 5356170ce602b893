import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { planNameSchema } from "../domain/plans.js";
import { downgradeRefusal, limitsOver } from "../domain/quota.js";
import { parseInput } from "../lifecycle/parseInput.js";
import { readTenantUsage } from "../quota/tenantUsage.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import { lockTenant, setTenantPlan } from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { type Caller, requirePlatformAdmin, requireTenant } from "./principal.js";
import { type TenantView, toTenantView } from "./tenants.js";

/** `PATCH /v1/tenants/{tenant}`, `aims tenant plan <tenant> <plan> [--force]`. */
export const changeTenantPlanInput = z.strictObject({
  plan: planNameSchema,
  /** Move even when the tenant uses more than the plan allows: what runs keeps running, growth is refused. */
  force: z.boolean().default(false),
});
export type ChangeTenantPlanInput = z.input<typeof changeTenantPlanInput>;

/**
 * Moves a tenant to another plan (the operator only), with event `tenant.plan_changed` and audit. A plan the
 * tenant's present use is over is refused (quota_exceeded naming each limit) unless `force`, which keeps what
 * runs; the quota checks then refuse growth until the tenant is within the plan. The same plan records nothing.
 * @example await changeTenantPlan(p, caller, "acme", { plan: "team" })
 */
export async function changeTenantPlan(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  raw: ChangeTenantPlanInput,
): Promise<TenantView> {
  const { plan: planName, force } = parseInput(changeTenantPlanInput, raw);
  // A tenant the caller cannot see is not found, as everywhere; one it sees is the operator's to move.
  const { tenant, role } = await requireTenant(p.store.db, caller.principal, tenantName, "tenant.read");
  requirePlatformAdmin(caller.principal, "change a tenant's plan");
  const plan = p.plans.get(planName);
  const row = await withTransaction(p.store.db, async (trx) => {
    const current = (await lockTenant(trx, tenant.id)) ?? tenant;
    if (current.plan === plan.name) return current;
    const over = limitsOver(plan, await readTenantUsage(trx, current));
    if (over.length && !force)
      throw new AimsError("quota_exceeded", downgradeRefusal(current.name, plan, over));
    await setTenantPlan(trx, current.id, plan.name);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "tenant.plan_changed",
        action: "tenant.plan_change",
        target: `tenant/${current.name}`,
        tenantId: current.id,
        subject: current.name,
        data: {
          from: current.plan,
          to: plan.name,
          ...(over.length ? { forced: true, over: [...new Set(over.map((b) => b.limit))] } : {}),
        },
      }),
    );
    return { ...current, plan: plan.name };
  });
  return toTenantView(row, role);
}

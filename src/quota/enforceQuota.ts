import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { hostCapacityRefusal } from "../domain/hostCapacity.js";
import { checkQuota, type QuotaRequest, quotaRefusal } from "../domain/quota.js";
import type { Executor } from "../store/database.js";
import { lockTenant, type TenantRow } from "../store/tenantRepository.js";
import { hostCapacityOf } from "./hostCapacity.js";
import { planOf } from "./tenantPlan.js";
import { readHostLoad, readTenantUsage } from "./tenantUsage.js";

/**
 * Refuses a change that would take the tenant over its plan (AimsError("quota_exceeded"), naming the limit, the
 * use, the request and how to get more) or the host over its capacity (AimsError("unavailable") with the
 * numbers). Call it inside the change's own transaction, before it writes: it first takes the tenant's lock
 * (`lock: false` when the caller holds it already, or for a dry run, which writes nothing), so two changes of
 * one tenant are checked one after the other and cannot both take its last slot; a refusal rolls the whole
 * change back, so nothing of it is recorded.
 */
export async function enforceQuota(
  ex: Executor,
  p: Pick<OperationContext, "plans" | "config">,
  tenant: Pick<TenantRow, "id" | "name" | "plan">,
  request: QuotaRequest,
  options: { lock?: boolean } = {},
): Promise<void> {
  const current = options.lock === false ? tenant : ((await lockTenant(ex, tenant.id)) ?? tenant);
  const plan = planOf(p.plans, current);
  const usage = await readTenantUsage(ex, current);
  const breach = checkQuota(plan, usage, request);
  if (breach) throw new AimsError("quota_exceeded", quotaRefusal(p.plans.all, plan, usage, request, breach));
  const grows = (key: "cpu" | "memory") =>
    (request.after.running ? request.after.footprint[key] : 0) -
    (request.before?.running ? request.before.footprint[key] : 0);
  const adds = { cpu: grows("cpu"), memory: grows("memory") };
  if (adds.cpu <= 0 && adds.memory <= 0) return;
  const refusal = hostCapacityRefusal(hostCapacityOf(p.config), await readHostLoad(ex), adds, request.what);
  if (refusal) throw new AimsError("unavailable", refusal);
}

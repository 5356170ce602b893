import type { Plan } from "../domain/plans.js";
import { limitsOver, type QuotaLimit, usageTotals } from "../domain/quota.js";
import type { Plans } from "../plans/loadPlans.js";
import type { Executor } from "../store/database.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { planOf } from "./tenantPlan.js";
import { readTenantUsage } from "./tenantUsage.js";

/** A use against its limit; `limit` null is unlimited. */
export interface Allowance {
  used: number;
  limit: number | null;
}

/**
 * A tenant's use of its plan (`GET /v1/tenants/{tenant}/usage`, `aims tenant show`): instances (any state) and
 * volumes (theirs and the kept ones), and cpu (cores), memory (bytes) and pids of instances meant to run.
 */
export interface UsageView {
  tenant: string;
  plan: string;
  instances: Allowance;
  volumes: Allowance;
  cpu: Allowance;
  memory: Allowance;
  pids: Allowance;
  /** What one instance may be given (summed over its services × replicas), and replicas per service. */
  perInstance: Plan["limits"]["perInstance"];
  replicasPerService: number | null;
  /** Limits the tenant is over (moved to a smaller plan with --force): growth is refused until it is within them. */
  over: QuotaLimit[];
}

/** Reads a tenant's use and shapes it against its plan. */
export async function tenantUsageView(
  ex: Executor,
  plans: Plans,
  tenant: Pick<TenantRow, "id" | "name" | "plan">,
): Promise<UsageView> {
  const plan = planOf(plans, tenant);
  const usage = await readTenantUsage(ex, tenant);
  const totals = usageTotals(usage);
  const { limits } = plan;
  return {
    tenant: tenant.name,
    plan: plan.name,
    instances: { used: totals.instances, limit: limits.instances },
    volumes: { used: totals.volumes, limit: limits.volumes },
    cpu: { used: totals.cpu, limit: limits.total.cpu },
    memory: { used: totals.memory, limit: limits.total.memory },
    pids: { used: totals.pids, limit: limits.total.pids },
    perInstance: limits.perInstance,
    replicasPerService: limits.replicasPerService,
    over: [...new Set(limitsOver(plan, usage).map((b) => b.limit))],
  };
}

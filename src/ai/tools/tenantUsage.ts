import type { OperationContext } from "../../context.js";
import {
  type Footprint,
  instanceFootprint,
  NO_FOOTPRINT,
  type SpecShape,
  sumCpu,
} from "../../domain/footprint.js";
import type { Plan } from "../../domain/plans.js";
import { checkQuota, type InstanceUse, quotaRefusal, type TenantUsage } from "../../domain/quota.js";
import { planOf } from "../../quota/tenantPlan.js";
import { instanceUse, readTenantUsage } from "../../quota/tenantUsage.js";
import { tenantUsageView, type UsageView } from "../../quota/usageView.js";
import type { InstanceRow } from "../../store/instanceRepository.js";
import type { TenantRow } from "../../store/tenantRepository.js";
import type { ToolImpact } from "./tool.js";

/** A tenant's plan and what it uses of it, as the quota operations read it (src/quota/). */
export interface TenantUse {
  plan: Plan;
  usage: TenantUsage;
  view: UsageView;
}

/** Reads a tenant's use of its plan: the same reading the quota check of every deploy, update and scale makes. */
export async function tenantUse(p: OperationContext, tenant: TenantRow): Promise<TenantUse> {
  const [usage, view] = await Promise.all([
    readTenantUsage(p.store.db, tenant),
    tenantUsageView(p.store.db, p.plans, tenant),
  ]);
  return { plan: planOf(p.plans, tenant), usage, view };
}

/** What one stored instance is given, over its services × replicas. */
export function instanceResources(row: Pick<InstanceRow, "spec">): Footprint {
  try {
    return instanceFootprint(JSON.parse(row.spec) as SpecShape);
  } catch {
    return { ...NO_FOOTPRINT };
  }
}

/** A stored instance as quotas count it. */
export function storedUse(row: Pick<InstanceRow, "name" | "spec" | "desired_state">): InstanceUse {
  return instanceUse(row.name, JSON.parse(row.spec) as SpecShape, row.desired_state === "running");
}

/**
 * What a change does to the tenant's plan: the instances, CPU and memory it adds (or frees, negative) and the
 * use after it; when it grows past a limit, the quota check's own refusal is a note (the operation will refuse).
 */
export function impactOf(
  plans: readonly Plan[],
  use: TenantUse,
  change: { what: string; before?: InstanceUse; after?: InstanceUse },
  notes: string[] = [],
): ToolImpact {
  const counted = (u: InstanceUse | undefined) => (u?.running ? u.footprint : NO_FOOTPRINT);
  const delta = {
    instances: (change.after ? 1 : 0) - (change.before ? 1 : 0),
    cpu: sumCpu(counted(change.after).cpu, -counted(change.before).cpu),
    memory: counted(change.after).memory - counted(change.before).memory,
  };
  const { view } = use;
  const breach = change.after
    ? checkQuota(use.plan, use.usage, {
        what: change.what,
        after: change.after,
        ...(change.before ? { before: change.before } : {}),
      })
    : undefined;
  const refusal =
    breach && change.after
      ? quotaRefusal(plans, use.plan, use.usage, { what: change.what, after: change.after }, breach)
      : undefined;
  return {
    resources: delta,
    plan: {
      name: use.plan.name,
      instances: { used: view.instances.used + delta.instances, limit: view.instances.limit },
      cpu: { used: sumCpu(view.cpu.used, delta.cpu), limit: view.cpu.limit },
      memory: { used: view.memory.used + delta.memory, limit: view.memory.limit },
    },
    notes: refusal ? [...notes, `over the plan: ${refusal}`] : notes,
  };
}

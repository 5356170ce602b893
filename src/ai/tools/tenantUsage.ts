import type { OperationContext } from "../../context.js";
import { effectivePlug, parseSpec } from "../../domain/instanceSpec.js";
import type { Plan } from "../../domain/plans.js";
import { type InstanceRow, listInstances } from "../../store/instanceRepository.js";
import type { TenantRow } from "../../store/tenantRepository.js";
import type { ToolImpact } from "./tool.js";

/** What one instance is given: CPU cores and bytes of memory over its services × replicas. */
export interface InstanceResources {
  cpu: number;
  memory: number;
}

/** An instance's resources from its stored spec (limits as updated); an unreadable spec counts as nothing. */
export function instanceResources(row: Pick<InstanceRow, "spec">): InstanceResources {
  try {
    const spec = parseSpec(row.spec);
    return effectivePlug(spec).services.reduce(
      (sum, s) => {
        const replicas = spec.replicas[s.name] ?? 1;
        return {
          cpu: sum.cpu + s.resources.cpu * replicas,
          memory: sum.memory + s.resources.memory * replicas,
        };
      },
      { cpu: 0, memory: 0 },
    );
  } catch {
    return { cpu: 0, memory: 0 };
  }
}

/** A tenant's use against its plan: instances, and the CPU and memory of those meant to run. */
export interface TenantUsage {
  plan: Plan;
  instances: Array<{ name: string; plug: string; state: string; desired: string } & InstanceResources>;
  used: { instances: number; cpu: number; memory: number };
}

/**
 * Computed here from the plan and the tenant's instances (the quota operation of "Plans and quotas" is not on
 * main yet): every active instance counts against `limits.instances`; those meant to run count against
 * `limits.total` CPU and memory.
 */
export async function tenantUsage(p: OperationContext, tenant: TenantRow): Promise<TenantUsage> {
  const plan = p.plans.get(tenant.plan ?? p.plans.defaultPlan.name);
  const rows = await listInstances(p.store.db, { tenantId: tenant.id });
  const instances = rows.map((r) => ({
    name: r.name,
    plug: r.plug_id,
    state: r.observed_state,
    desired: r.desired_state,
    ...instanceResources(r),
  }));
  const running = instances.filter((i) => i.desired === "running");
  return {
    plan,
    instances,
    used: {
      instances: instances.length,
      cpu: round(running.reduce((s, i) => s + i.cpu, 0)),
      memory: running.reduce((s, i) => s + i.memory, 0),
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The impact of adding (or freeing, with negative numbers) resources to a tenant's current use. */
export function impactOf(
  usage: TenantUsage,
  delta: ToolImpact["resources"],
  notes: string[] = [],
): ToolImpact {
  const limits = usage.plan.limits;
  const after = {
    instances: usage.used.instances + delta.instances,
    cpu: round(usage.used.cpu + delta.cpu),
    memory: usage.used.memory + delta.memory,
  };
  const over: string[] = [];
  if (limits.instances !== null && delta.instances > 0 && after.instances > limits.instances)
    over.push(`instances (${after.instances} of ${limits.instances})`);
  if (limits.total.cpu !== null && delta.cpu > 0 && after.cpu > limits.total.cpu)
    over.push(`CPU (${after.cpu} of ${limits.total.cpu} cores)`);
  if (limits.total.memory !== null && delta.memory > 0 && after.memory > limits.total.memory)
    over.push("memory");
  return {
    resources: { ...delta, cpu: round(delta.cpu) },
    plan: {
      name: usage.plan.name,
      instances: { used: after.instances, limit: limits.instances },
      cpu: { used: after.cpu, limit: limits.total.cpu },
      memory: { used: after.memory, limit: limits.total.memory },
    },
    notes: over.length
      ? [...notes, `beyond plan ${usage.plan.name}'s limits on ${over.join(", ")}: it may be refused`]
      : notes,
  };
}

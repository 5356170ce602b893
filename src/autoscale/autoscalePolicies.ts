import type { OperationContext } from "../context.js";
import type { AutoscalePolicyInput } from "../domain/autoscale.js";
import { AimsError } from "../domain/errors.js";
import type { AutoscaleEventType } from "../domain/eventTypes.js";
import { isStateless, parseSpec } from "../domain/instanceSpec.js";
import { planOf } from "../quota/tenantPlan.js";
import {
  type AutoscalePolicyRow,
  deleteAutoscalePolicy,
  findAutoscalePolicy,
  listAutoscalePolicies,
  putAutoscalePolicy,
} from "../store/autoscalePolicyRepository.js";
import { findInstance, type InstanceRow } from "../store/instanceRepository.js";
import { recordChange, withTransaction } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { actorOf, type Caller, requireTenant } from "../tenancy/principal.js";

/** A service's policy as people see it, with its current replicas and what the autoscaler last did. */
export interface AutoscalePolicyView {
  tenant: string;
  instance: string;
  service: string;
  min: number;
  max: number;
  cpuPercent: number;
  memoryPercent: number | null;
  /** Null: the install's default (`autoscale.cooldownMs`). */
  cooldownSeconds: number | null;
  replicas: number;
  lastScaledAt: string | null;
  /** The last step the autoscaler took or asked for: what, why and the numbers. */
  lastDecision: { action: string; to: number; reason: string; at: string } | null;
  /** The approval of a scale-up it waits for. */
  pendingApproval: string | null;
  updatedAt: string;
}

function viewOf(tenant: TenantRow, instance: InstanceRow, row: AutoscalePolicyRow): AutoscalePolicyView {
  const last = row.last_decision
    ? (JSON.parse(row.last_decision) as AutoscalePolicyView["lastDecision"] & object)
    : null;
  return {
    tenant: tenant.name,
    instance: instance.name,
    service: row.service,
    min: row.min_replicas,
    max: row.max_replicas,
    cpuPercent: row.cpu_percent,
    memoryPercent: row.memory_percent,
    cooldownSeconds: row.cooldown_seconds,
    replicas: parseSpec(instance.spec).replicas[row.service] ?? 1,
    lastScaledAt: row.last_scaled_at,
    lastDecision: last ? { action: last.action, to: last.to, reason: last.reason, at: last.at } : null,
    pendingApproval: row.pending_approval_id,
    updatedAt: row.updated_at,
  };
}

async function requireTarget(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  instanceName: string,
  permission: "instance.read" | "instance.scale",
) {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, permission);
  const instance = await findInstance(p.store.db, tenant.id, instanceName);
  if (!instance)
    throw new AimsError(
      "not_found",
      `no instance ${instanceName} for tenant ${tenantName} (see \`aims ps --tenant ${tenantName}\`)`,
    );
  return { tenant, instance };
}

/** The tenant's policies, of every instance or of one. */
export async function listAutoscaleViews(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  instanceName?: string,
): Promise<AutoscalePolicyView[]> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  const instance =
    instanceName === undefined
      ? undefined
      : (await requireTarget(p, caller, tenantName, instanceName, "instance.read")).instance;
  const rows = await listAutoscalePolicies(p.store.db, {
    tenantId: tenant.id,
    ...(instance ? { instanceId: instance.id } : {}),
  });
  const views: AutoscalePolicyView[] = [];
  for (const row of rows) {
    const owner = instance ?? (await findInstance(p.store.db, tenant.id, row.instance_name));
    if (owner) views.push(viewOf(tenant, owner, row));
  }
  return views;
}

/**
 * Sets one service's policy (`instance.scale`): only on a plan with `features.autoscaling`, only for a stateless
 * service (the rule `aims scale` applies), with max within the plan's replicasPerService. One transaction with
 * its event and audit entry.
 */
export async function setAutoscalePolicy(
  p: OperationContext,
  caller: Caller,
  target: { tenant: string; instance: string; service: string },
  input: AutoscalePolicyInput,
): Promise<AutoscalePolicyView> {
  const { tenant, instance } = await requireTarget(
    p,
    caller,
    target.tenant,
    target.instance,
    "instance.scale",
  );
  const plan = planOf(p.plans, tenant);
  if (!plan.features.autoscaling)
    throw new AimsError(
      "forbidden",
      `plan ${plan.name} of tenant ${tenant.name} does not include autoscaling (features.autoscaling); set replicas with aims scale, or move to a plan that includes it (aims plans)`,
    );
  const plug = parseSpec(instance.spec).plug;
  if (!plug.services.some((s) => s.name === target.service))
    throw new AimsError(
      "invalid_input",
      `${instance.name} has no service ${target.service} (services: ${plug.services.map((s) => s.name).join(", ")})`,
    );
  if (!isStateless(plug, target.service))
    throw new AimsError(
      "conflict",
      `service ${target.service} keeps data in volumes; only stateless services can run several replicas, so only they autoscale`,
    );
  const limit = plan.limits.replicasPerService;
  if (limit !== null && input.max > limit)
    throw new AimsError(
      "quota_exceeded",
      `max ${input.max} is above plan ${plan.name}'s ${limit} replicas per service; set --max ${limit} or less`,
    );
  const actor = actorOf(caller);
  const now = new Date().toISOString();
  const before = await findAutoscalePolicy(p.store.db, tenant.id, instance.id, target.service);
  const data = {
    instance: instance.name,
    service: target.service,
    min: input.min,
    max: input.max,
    cpuPercent: input.cpuPercent,
    memoryPercent: input.memoryPercent,
    cooldownSeconds: input.cooldownSeconds,
    replaced: Boolean(before),
  };
  await withTransaction(p.store.db, async (trx) => {
    await putAutoscalePolicy(trx, {
      tenant_id: tenant.id,
      instance_id: instance.id,
      service: target.service,
      min_replicas: input.min,
      max_replicas: input.max,
      cpu_percent: input.cpuPercent,
      memory_percent: input.memoryPercent,
      cooldown_seconds: input.cooldownSeconds,
      updated_by: actor.id,
      updated_at: now,
    });
    await recordChange(
      trx,
      policyChange(actor, tenant, instance, "autoscale.policy_set", target.service, data),
    );
  });
  const row = await findAutoscalePolicy(p.store.db, tenant.id, instance.id, target.service);
  return viewOf(tenant, instance, row!);
}

/** Removes one service's policy (`instance.scale`): its replicas stay as they are. */
export async function removeAutoscalePolicy(
  p: OperationContext,
  caller: Caller,
  target: { tenant: string; instance: string; service: string },
): Promise<{ removed: true; instance: string; service: string }> {
  const { tenant, instance } = await requireTarget(
    p,
    caller,
    target.tenant,
    target.instance,
    "instance.scale",
  );
  const actor = actorOf(caller);
  await withTransaction(p.store.db, async (trx) => {
    if (!(await deleteAutoscalePolicy(trx, tenant.id, instance.id, target.service)))
      throw new AimsError(
        "not_found",
        `no autoscale policy for service ${target.service} of ${instance.name} (see aims autoscale list --tenant ${tenant.name})`,
      );
    await recordChange(
      trx,
      policyChange(actor, tenant, instance, "autoscale.policy_removed", target.service, {
        instance: instance.name,
        service: target.service,
      }),
    );
  });
  return { removed: true, instance: instance.name, service: target.service };
}

function policyChange(
  actor: { id: string; source: string },
  tenant: TenantRow,
  instance: InstanceRow,
  type: Extract<AutoscaleEventType, "autoscale.policy_set" | "autoscale.policy_removed">,
  service: string,
  data: Record<string, unknown>,
) {
  return {
    event: { type, tenantId: tenant.id, subject: instance.id, data },
    audit: {
      actor: actor.id,
      source: actor.source,
      action: type,
      target: `instance/${tenant.name}/${instance.name}/${service}`,
      tenantId: tenant.id,
      result: "ok" as const,
      data,
    },
  };
}

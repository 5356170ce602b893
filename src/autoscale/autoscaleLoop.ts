import { instanceScale } from "../ai/tools/changeTools.js";
import { expireLapsedApprovals } from "../approvals/expireApprovals.js";
import { proposeAction } from "../approvals/proposeAction.js";
import { FINAL_APPROVAL_STATUSES } from "../domain/approvals.js";
import { type AutoscalePolicy, decideScale, type ScaleDecision } from "../domain/autoscale.js";
import { isAimsError, toErrorBody } from "../domain/errors.js";
import type { AutoscaleEventType } from "../domain/eventTypes.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { scaleInstance } from "../lifecycle/scaleInstance.js";
import { readResourceWindow } from "../monitor/readResourceWindow.js";
import type { Platform } from "../platform.js";
import { planOf } from "../quota/tenantPlan.js";
import { findApproval } from "../store/approvalRepository.js";
import {
  type AutoscalePolicyWithInstance,
  listAutoscalePolicies,
  markAutoscaleStep,
} from "../store/autoscalePolicyRepository.js";
import { findInstanceById, type InstanceRow } from "../store/instanceRepository.js";
import { withLease } from "../store/leases.js";
import { recordChange, withTransaction } from "../store/recordChange.js";
import { findTenantById, type TenantRow } from "../store/tenantRepository.js";
import { autoscalerCaller } from "./autoscalerCaller.js";

export interface Autoscaler {
  /** One pass, run by the reconciler loop after each tick: decides each policy's step and starts it. */
  afterTick(): Promise<void>;
  /** Resolves when the steps started so far have finished (a step waits for its replicas; tests wait here). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The events of a step (a policy change is src/autoscale/autoscalePolicies.ts's). */
type StepType = Exclude<AutoscaleEventType, "autoscale.policy_set" | "autoscale.policy_removed">;

/**
 * The autoscaler of `aims serve` (docs/autoscaling.md): after each reconcile tick it reads each policy's recent
 * averages and takes at most one step per service. A step down runs the scale operation; a step up goes through
 * `proposeAction` as an AI actor, so under an approval policy that covers scaling it becomes an approval request
 * (and nothing more is asked for that service while it is pending). Steps run beside the loop, one per service at
 * a time; a refusal (quota, plan) is an event and waits a cooldown like a step.
 */
export function startAutoscaler(p: Platform): Autoscaler {
  const running = new Map<string, Promise<void>>();
  const caller = autoscalerCaller();
  const progress = (message: string) => p.logger.debug({ progress: message }, "autoscale");

  const record = (
    tenant: TenantRow,
    instance: InstanceRow,
    service: string,
    type: StepType,
    data: Record<string, unknown>,
  ) =>
    withTransaction(p.store.db, (trx) =>
      recordChange(trx, {
        event: {
          type,
          tenantId: tenant.id,
          subject: instance.id,
          data: { instance: instance.name, service, ...data },
        },
        audit: {
          actor: caller.principal.actor,
          source: caller.source,
          action: type,
          target: `instance/${tenant.name}/${instance.name}/${service}`,
          tenantId: tenant.id,
          result: type === "autoscale.refused" ? "failed" : "ok",
          data: { service, ...data },
        },
      }),
    );

  /** Clears a decided approval; answers the time its scale ran (the cooldown's start), or null while undecided. */
  const settleApproval = async (row: AutoscalePolicyWithInstance, tenant: TenantRow) => {
    if (!row.pending_approval_id) return { waiting: false, ranAt: null as string | null };
    let approval = await findApproval(p.store.db, tenant.id, row.pending_approval_id);
    // Approvals expire when someone looks at them: one nobody decided in time must not hold the service forever.
    if (approval?.status === "pending" && Date.parse(approval.expires_at) <= Date.now()) {
      await expireLapsedApprovals(p, tenant);
      approval = await findApproval(p.store.db, tenant.id, row.pending_approval_id);
    }
    if (approval && !FINAL_APPROVAL_STATUSES.has(approval.status)) return { waiting: true, ranAt: null };
    const ranAt = approval?.status === "done" ? (approval.finished_at ?? approval.decided_at) : null;
    await markAutoscaleStep(p.store.db, row.instance_id, row.service, {
      pending_approval_id: null,
      ...(ranAt ? { last_scaled_at: ranAt } : {}),
    });
    return { waiting: false, ranAt };
  };

  const step = async (
    tenant: TenantRow,
    instance: InstanceRow,
    service: string,
    decision: ScaleDecision,
    now: Date,
  ) => {
    const numbers = {
      from: decision.numbers.replicas,
      to: decision.to,
      reason: decision.reason,
      ...decision.numbers,
      decidedAt: now.toISOString(),
    };
    await markAutoscaleStep(p.store.db, instance.id, service, {
      last_scaled_at: now.toISOString(),
      last_decision: JSON.stringify({
        action: decision.action,
        to: decision.to,
        reason: decision.reason,
        at: now.toISOString(),
      }),
    });
    if (decision.action === "up") {
      const outcome = await proposeAction(
        { platform: p, tenant: tenant.name, progress },
        caller,
        { tool: instanceScale.name, args: { instance: instance.name, service, replicas: decision.to } },
        { conversationId: null, dryRun: false },
      );
      if (outcome.status === "awaiting_approval" && outcome.approval) {
        await markAutoscaleStep(p.store.db, instance.id, service, {
          pending_approval_id: outcome.approval.id,
        });
        await record(tenant, instance, service, "autoscale.approval_requested", {
          ...numbers,
          approval: outcome.approval.id,
        });
        return;
      }
      if (outcome.status === "done")
        return void (await record(tenant, instance, service, "autoscale.scaled_up", numbers));
      return refusedOrStarted(
        tenant,
        instance,
        service,
        "autoscale.scaled_up",
        numbers,
        outcome.error?.message ?? outcome.say,
      );
    }
    try {
      await scaleInstance(
        p,
        { tenant: tenant.name, name: instance.name, service, replicas: decision.to },
        { id: caller.principal.actor, source: caller.source },
        progress,
      );
      await record(tenant, instance, service, "autoscale.scaled_down", numbers);
    } catch (err) {
      if (!isAimsError(err))
        p.logger.error({ err: String(err), instance: instance.id }, "autoscale step failed unexpectedly");
      await refusedOrStarted(
        tenant,
        instance,
        service,
        "autoscale.scaled_down",
        numbers,
        toErrorBody(err).error.message,
      );
    }
  };

  /** A step that failed: refused when its count was never recorded, else the step (its replicas did not settle). */
  const refusedOrStarted = async (
    tenant: TenantRow,
    instance: InstanceRow,
    service: string,
    type: StepType,
    numbers: Record<string, unknown> & { to: number },
    message: string,
  ) => {
    const now = await findInstanceById(p.store.db, tenant.id, instance.id);
    const recorded = now && (parseSpec(now.spec).replicas[service] ?? 1) === numbers.to;
    if (!recorded)
      await markAutoscaleStep(p.store.db, instance.id, service, {
        last_decision: JSON.stringify({
          action: "refused",
          to: numbers.to,
          reason: message,
          at: new Date().toISOString(),
        }),
      });
    await record(tenant, instance, service, recorded ? type : "autoscale.refused", {
      ...numbers,
      error: message,
    });
  };

  const pass = async () => {
    const now = new Date();
    for (const row of await listAutoscalePolicies(p.store.db)) {
      const key = `${row.instance_id}/${row.service}`;
      if (running.has(key)) continue;
      const tenant = await findTenantById(p.store.db, row.tenant_id);
      const instance = await findInstanceById(p.store.db, row.tenant_id, row.instance_id);
      if (tenant?.status !== "active" || !instance) continue;
      if (instance.desired_state !== "running" || instance.observed_state !== "ready") continue;
      let plan: ReturnType<typeof planOf>;
      try {
        plan = planOf(p.plans, tenant);
      } catch {
        continue;
      }
      if (!plan.features.autoscaling) continue;
      const approval = await settleApproval(row, tenant);
      if (approval.waiting) continue;
      const lastScaledAt = approval.ranAt ?? row.last_scaled_at;
      const last = lastScaledAt ? Date.parse(lastScaledAt) : null;
      const windowStart = Math.max(now.getTime() - p.config.autoscale.windowMs, last ?? 0);
      const window = await readResourceWindow(p.store, {
        tenantId: tenant.id,
        instanceId: instance.id,
        service: row.service,
        since: windowStart,
      });
      const policy: AutoscalePolicy = {
        min: row.min_replicas,
        max: row.max_replicas,
        cpuPercent: row.cpu_percent,
        memoryPercent: row.memory_percent,
        cooldownMs:
          row.cooldown_seconds === null ? p.config.autoscale.cooldownMs : row.cooldown_seconds * 1000,
      };
      const decision = decideScale({
        policy,
        planMax: plan.limits.replicasPerService,
        replicas: parseSpec(instance.spec).replicas[row.service] ?? 1,
        cpuPercent: window.cpuPercent,
        memoryPercent: window.memoryPercent,
        sampledReplicas: window.replicas,
        lastScaledAt: last,
        now: now.getTime(),
        scaleDownRatio: p.config.autoscale.scaleDownRatio,
      });
      if (decision.action === "hold") continue;
      const run = step(tenant, instance, row.service, decision, now)
        .catch((err) =>
          p.logger.warn({ err: (err as Error).message, instance: instance.id }, "autoscale step failed"),
        )
        .finally(() => running.delete(key));
      running.set(key, run);
    }
  };

  const idle = async () => {
    while (running.size) await Promise.all([...running.values()]);
  };
  return {
    async afterTick() {
      try {
        await withLease(p.store.db, "autoscale", pass);
      } catch (err) {
        p.logger.warn({ err: (err as Error).message }, "autoscale pass failed; retrying next tick");
      }
    },
    idle,
    stop: idle,
  };
}

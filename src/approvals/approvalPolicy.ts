import * as z from "zod";
import type { OperationContext } from "../context.js";
import {
  type ApprovalPolicy,
  approvalPolicySchema,
  DEFAULT_APPROVAL_POLICY,
  effectivePolicy,
} from "../domain/approvals.js";
import { AimsError } from "../domain/errors.js";
import { findApprovalPolicy, putApprovalPolicy } from "../store/approvalRepository.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { peopleChange } from "../tenancy/change.js";
import { type Caller, requireTenant } from "../tenancy/principal.js";

export const policyInput = z.strictObject({ policy: approvalPolicySchema });

/** A tenant's approval policy as stored, as it applies, and what its plan allows. */
export interface ApprovalPolicyView {
  tenant: string;
  /** What the owners set (`all` when they never did). */
  policy: ApprovalPolicy;
  /** What applies now: `none` holds only while the plan allows approvals off. */
  effective: ApprovalPolicy;
  plan: string;
  /** The plan's `features.approvalsOff`: whether `none` may be set. */
  approvalsOffAllowed: boolean;
}

function planOf(p: OperationContext, tenant: TenantRow) {
  return p.plans.get(tenant.plan ?? p.plans.defaultPlan.name);
}

/** The policy that applies in a tenant now (what proposeAction asks). */
export async function policyOf(p: OperationContext, tenant: TenantRow): Promise<ApprovalPolicy> {
  return effectivePolicy(
    await findApprovalPolicy(p.store.db, tenant.id),
    planOf(p, tenant).features.approvalsOff,
  );
}

async function viewOfPolicy(p: OperationContext, tenant: TenantRow): Promise<ApprovalPolicyView> {
  const stored = (await findApprovalPolicy(p.store.db, tenant.id)) ?? DEFAULT_APPROVAL_POLICY;
  const plan = planOf(p, tenant);
  return {
    tenant: tenant.name,
    policy: stored,
    effective: effectivePolicy(stored, plan.features.approvalsOff),
    plan: plan.name,
    approvalsOffAllowed: plan.features.approvalsOff,
  };
}

/** A tenant's approval policy (anyone who can see its instances may read it). */
export async function getApprovalPolicy(p: OperationContext, caller: Caller, tenantName: string) {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  return viewOfPolicy(p, tenant);
}

/**
 * Sets a tenant's approval policy: owners only (`approval.policy`); `none` only on a plan whose
 * `features.approvalsOff` allows it. One transaction with its event and audit entry.
 */
export async function setApprovalPolicy(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  input: z.output<typeof policyInput>,
): Promise<ApprovalPolicyView> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "approval.policy");
  const plan = planOf(p, tenant);
  if (input.policy === "none" && !plan.features.approvalsOff)
    throw new AimsError(
      "forbidden",
      `plan ${plan.name} does not allow turning approvals off (features.approvalsOff); choose all or risky, or move to a plan that allows it`,
    );
  const before = (await findApprovalPolicy(p.store.db, tenant.id)) ?? DEFAULT_APPROVAL_POLICY;
  await withTransaction(p.store.db, async (trx) => {
    await putApprovalPolicy(trx, tenant.id, input.policy, caller.principal.actor);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "approval.policy_changed",
        action: "approval.policy",
        target: `tenant/${tenant.name}`,
        tenantId: tenant.id,
        subject: tenant.name,
        data: { from: before, to: input.policy },
      }),
    );
  });
  return viewOfPolicy(p, tenant);
}

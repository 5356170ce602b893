import * as z from "zod";

/**
 * Approvals of AI-initiated actions (docs/acheevy.md): what each tool risks, what a tenant's policy asks a
 * person to approve, and how an approval moves. Pure: the store and the operations live in src/approvals/.
 */

/** How much a tool can change: fixed per tool in our code (src/ai/tools/), never taken from a model. */
export const RISKS = ["read", "change", "destructive", "spend"] as const;
export type Risk = (typeof RISKS)[number];

/**
 * A tenant's policy: `all` — a person approves everything that changes something; `risky` — only what
 * destroys or spends (deploy, scale, update, remove); `none` — nothing (only on a plan with `approvalsOff`).
 */
export const APPROVAL_POLICIES = ["all", "risky", "none"] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];
export const approvalPolicySchema = z.enum(APPROVAL_POLICIES, {
  error: `must be one of ${APPROVAL_POLICIES.join(", ")}`,
});

/** A tenant that never set a policy has this one. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = "all";

/**
 * The policy that applies: the stored one, except that `none` holds only while the tenant's plan allows
 * approvals off — on a plan that does not (it was changed since), every change needs approval again.
 */
export function effectivePolicy(stored: ApprovalPolicy | undefined, approvalsOff: boolean): ApprovalPolicy {
  const policy = stored ?? DEFAULT_APPROVAL_POLICY;
  return policy === "none" && !approvalsOff ? "all" : policy;
}

/** True when an AI actor's action of this risk waits for a person under this policy. Reads never do. */
export function needsApproval(risk: Risk, policy: ApprovalPolicy): boolean {
  if (risk === "read") return false;
  if (policy === "all") return true;
  if (policy === "risky") return risk === "destructive" || risk === "spend";
  return false;
}

/** Where an approval stands. */
export const APPROVAL_STATUSES = [
  "pending",
  "approved",
  "denied",
  "expired",
  "executing",
  "done",
  "failed",
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Statuses an approval never leaves. */
export const FINAL_APPROVAL_STATUSES: ReadonlySet<ApprovalStatus> = new Set([
  "denied",
  "expired",
  "done",
  "failed",
]);

/** The scope a key needs, on top of a role that may decide, to approve or deny: no key holds it unless made with it. */
export const APPROVALS_DECIDE_SCOPE = "approvals:decide";

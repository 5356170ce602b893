import * as z from "zod";
import type { ToolAnswer } from "../ai/tools/tool.js";
import { AimsError } from "../domain/errors.js";
import { tenantRefusal } from "../domain/tenantStatus.js";
import type { Platform } from "../platform.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { type ApprovalRow, findApproval, moveApproval } from "../store/approvalRepository.js";
import { appendAudit } from "../store/auditLog.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantByName, type TenantRow } from "../store/tenantRepository.js";
import { actorOf, type Caller, isUnrestricted, roleIn } from "../tenancy/principal.js";
import { sameHash } from "./approvalArgs.js";
import { approvalChange } from "./approvalChange.js";
import { type ApprovalView, approvalView } from "./approvalView.js";
import { decisionRefusal } from "./deciders.js";
import { executeApproval } from "./executeApproval.js";
import { expireLapsedApprovals } from "./expireApprovals.js";

/** `POST …/approvals/{id}/approve`: optionally the hash of what the decider saw, so only exactly that runs. */
export const approveInput = z.strictObject({
  argsHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be the approval's argsHash (64 hex digits)")
    .optional(),
});
/** `POST …/approvals/{id}/deny`. */
export const denyInput = z.strictObject({ reason: z.string().max(500).optional() });

export interface Decision {
  approve: boolean;
  /** Approve only if the approval is bound to these arguments (the hash the decider was shown). */
  argsHash?: string;
  reason?: string;
}

/** What a decision led to: the approval as it ends, and what the tool answered when it ran. */
export interface DecisionOutcome {
  approval: ApprovalView;
  answer?: ToolAnswer;
}

/** Audits a refused decision (who tried what) outside any change: nothing else is written. */
async function auditRefusal(p: Platform, caller: Caller, tenant: TenantRow, id: string, reason: string) {
  const actor = actorOf(caller);
  await withTransaction(p.store.db, (trx) =>
    appendAudit(trx, {
      actor: actor.id,
      source: actor.source,
      action: "approval.decide",
      target: `approval/${tenant.name}/${id.slice(0, 60)}`,
      tenantId: tenant.id,
      result: "denied",
      data: { reason },
    }),
  );
}

/**
 * A person's decision on an approval. Only someone who may decide (src/approvals/deciders.ts) decides, once:
 * `pending → approved | denied` is one conditional update, refused once the approval has expired. An approval
 * then runs at once (src/approvals/executeApproval.ts), exactly once. Another tenant's approval, or an id that
 * does not exist, is not_found; a replay, an expired one or a hash that differs is a conflict; none runs.
 */
export async function decideApproval(
  p: Platform,
  caller: Caller,
  tenantName: string,
  id: string,
  decision: Decision,
  progress: ProgressSink,
): Promise<DecisionOutcome> {
  const tenant = await findTenantByName(p.store.db, tenantName);
  const role = tenant ? await roleIn(p.store.db, caller.principal, tenant.id) : undefined;
  if (!tenant || !role) throw new AimsError("not_found", `no tenant ${tenantName}`);
  // A suspended tenant's approvals may be denied but not approved (approving runs a change); a deleted one is gone.
  const operator = caller.principal.platformAdmin && isUnrestricted(caller.principal);
  const status = tenantRefusal(tenant, decision.approve ? "change" : "read", operator);
  if (status) throw status;
  const refusal = decisionRefusal(caller.principal, role, tenant.name);
  if (refusal) {
    await auditRefusal(p, caller, tenant, id, refusal);
    throw new AimsError("forbidden", refusal);
  }
  await expireLapsedApprovals(p, tenant);
  const row = await findApproval(p.store.db, tenant.id, id);
  if (!row) throw new AimsError("not_found", `no approval ${id.slice(0, 60)} in tenant ${tenant.name}`);
  if (row.status !== "pending")
    throw new AimsError(
      "conflict",
      row.status === "expired"
        ? `approval ${id} expired at ${row.expires_at} without a decision; ask again`
        : `approval ${id} was already decided (${row.status}); nothing more happens`,
    );
  if (decision.approve && decision.argsHash !== undefined && !sameHash(decision.argsHash, row.args_hash)) {
    const reason = `the arguments of approval ${id} are not the ones you were shown (argsHash differs)`;
    await auditRefusal(p, caller, tenant, id, reason);
    throw new AimsError("conflict", `${reason}; nothing ran`);
  }
  const decided = await decide(p, caller, tenant, row, decision);
  if (!decision.approve) return { approval: await approvalView(p.store.db, decided, tenant.name) };
  const { row: done, answer } = await executeApproval(p, tenant, row.id, actorOf(caller), progress);
  return { approval: await approvalView(p.store.db, done, tenant.name), answer };
}

async function decide(
  p: Platform,
  caller: Caller,
  tenant: TenantRow,
  row: ApprovalRow,
  decision: Decision,
): Promise<ApprovalRow> {
  const actor = actorOf(caller);
  const now = new Date().toISOString();
  const patch = { decided_by: actor.id, decided_source: actor.source, decided_at: now };
  const to = decision.approve ? "approved" : "denied";
  const moved = await withTransaction(p.store.db, async (trx) => {
    if (
      !(await moveApproval(
        trx,
        row.id,
        "pending",
        to,
        decision.approve ? patch : { ...patch, finished_at: now },
        now,
      ))
    )
      return false;
    await recordChange(
      trx,
      approvalChange(actor, tenant, row, {
        event: `approval.${to}`,
        action: decision.approve ? "approval.approve" : "approval.deny",
        ...(decision.reason ? { data: { reason: decision.reason } } : {}),
      }),
    );
    return true;
  });
  if (!moved) {
    const now2 = await findApproval(p.store.db, tenant.id, row.id);
    throw new AimsError(
      "conflict",
      now2?.status === "pending"
        ? `approval ${row.id} expired at ${row.expires_at} without a decision; ask again`
        : `approval ${row.id} was already decided (${now2?.status ?? "gone"}); nothing more happens`,
    );
  }
  return { ...row, ...patch, status: to };
}

import type { Tool, ToolPlan } from "../ai/tools/tool.js";
import type { OperationContext } from "../context.js";
import { canonicalJson } from "../domain/canonicalJson.js";
import { newId } from "../domain/names.js";
import { type ApprovalRow, findPendingTwin, insertApproval } from "../store/approvalRepository.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { actorOf, type Caller } from "../tenancy/principal.js";
import { approvalHash, sealArgs } from "./approvalArgs.js";
import { approvalChange } from "./approvalChange.js";

/** What an AI actor asks a person to approve: the tool, its parsed arguments and what running it will do. */
export interface ApprovalRequest {
  tenant: TenantRow;
  tool: Tool;
  /** The arguments exactly as they will run (parsed by the tool's schema). */
  args: Record<string, unknown>;
  /** The same for people to read (secret inputs replaced). */
  shownArgs: unknown;
  plan: ToolPlan;
  /** The conversation it is shown in (chat), so "yes" there approves it and nothing else. */
  conversationId: string | null;
}

/**
 * Records a pending approval (event `approval.requested` + audit, one transaction), bound to the tenant, the
 * tool and the keyed hash of the exact arguments, expiring after `approvals.ttlMinutes`. Asking again for the
 * same thing in the same place while it is pending answers the pending one.
 */
export async function requestApproval(
  p: OperationContext,
  caller: Caller,
  request: ApprovalRequest,
): Promise<ApprovalRow> {
  const id = newId();
  const { sealed, canonical } = sealArgs(p.masterKey, id, request.args);
  const now = new Date();
  const row: ApprovalRow = {
    id,
    tenant_id: request.tenant.id,
    tool: request.tool.name,
    args: sealed,
    shown_args: canonicalJson(request.shownArgs),
    args_hash: approvalHash(p.masterKey, request.tenant.id, request.tool.name, canonical),
    risk: request.tool.risk,
    summary: request.plan.summary,
    impact: JSON.stringify(request.plan.impact),
    requested_by: caller.principal.actor,
    requested_source: caller.source,
    conversation_id: request.conversationId,
    status: "pending",
    decided_by: null,
    decided_source: null,
    decided_at: null,
    executed_at: null,
    finished_at: null,
    result: null,
    error: null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + p.config.approvals.ttlMinutes * 60_000).toISOString(),
  };
  return withTransaction(p.store.db, async (trx) => {
    const twin = await findPendingTwin(trx, row, row.created_at);
    if (twin) return twin;
    await insertApproval(trx, row);
    await recordChange(
      trx,
      approvalChange(actorOf(caller), request.tenant, row, {
        event: "approval.requested",
        action: "approval.request",
        data: { impact: request.plan.impact, expiresAt: row.expires_at, conversation: row.conversation_id },
      }),
    );
    return row;
  });
}

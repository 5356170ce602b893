import type { ApprovalStatus, Risk } from "../domain/approvals.js";
import type { ApprovalRow } from "../store/approvalRepository.js";

/** An approval as people and programs see it (the API, `aims approvals`, chat): never a secret input. */
export interface ApprovalView {
  id: string;
  tenant: string;
  tool: string;
  /** The arguments that will run, secret inputs shown as `(secret)`. */
  args: unknown;
  /** What the approval is bound to; `POST …/approve` may send it back as `argsHash` to approve exactly this. */
  argsHash: string;
  risk: Risk;
  /** What will happen, in plain words. */
  summary: string;
  /** Resources it adds or frees and the plan's use after it. */
  impact: unknown;
  status: ApprovalStatus;
  requestedBy: string;
  requestedSource: string;
  conversation: string | null;
  decidedBy: string | null;
  decidedSource: string | null;
  decidedAt: string | null;
  executedAt: string | null;
  finishedAt: string | null;
  /** What the tool answered once it ran: `{ say, data }`. */
  result: unknown;
  error: string | null;
  createdAt: string;
  expiresAt: string;
}

const parse = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

/** Shapes an approval row. */
export function toApprovalView(row: ApprovalRow, tenantName: string): ApprovalView {
  return {
    id: row.id,
    tenant: tenantName,
    tool: row.tool,
    args: parse(row.shown_args),
    argsHash: row.args_hash,
    risk: row.risk,
    summary: row.summary,
    impact: parse(row.impact),
    status: row.status,
    requestedBy: row.requested_by,
    requestedSource: row.requested_source,
    conversation: row.conversation_id,
    decidedBy: row.decided_by,
    decidedSource: row.decided_source,
    decidedAt: row.decided_at,
    executedAt: row.executed_at,
    finishedAt: row.finished_at,
    result: parse(row.result),
    error: row.error,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

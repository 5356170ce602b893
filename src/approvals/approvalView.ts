import type { ApprovalStatus, Risk } from "../domain/approvals.js";
import type { ApprovalRow } from "../store/approvalRepository.js";
import type { Executor } from "../store/database.js";
import { actorNames } from "../tenancy/actorNames.js";

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
  /** The audit actor who asked (`user:<id>`, `key:<id>`, `cli:<name>`). */
  requestedBy: string;
  /** Who asked, as a person reads it: an email, a key's name, the host user. */
  requestedByName: string;
  requestedSource: string;
  conversation: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
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

/** Shapes an approval row; `names` are the people's names of its actors (actorNames). */
export function toApprovalView(
  row: ApprovalRow,
  tenantName: string,
  names: ReadonlyMap<string, string>,
): ApprovalView {
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
    requestedByName: names.get(row.requested_by) ?? row.requested_by,
    requestedSource: row.requested_source,
    conversation: row.conversation_id,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by === null ? null : (names.get(row.decided_by) ?? row.decided_by),
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

/** Shapes approval rows, with their actors' names read in one pass. */
export async function approvalViews(
  ex: Executor,
  rows: readonly ApprovalRow[],
  tenantName: string,
): Promise<ApprovalView[]> {
  const names = await actorNames(
    ex,
    rows.flatMap((r) => (r.decided_by === null ? [r.requested_by] : [r.requested_by, r.decided_by])),
  );
  return rows.map((r) => toApprovalView(r, tenantName, names));
}

/** Shapes one approval row, with its actors' names. */
export async function approvalView(
  ex: Executor,
  row: ApprovalRow,
  tenantName: string,
): Promise<ApprovalView> {
  const [view] = await approvalViews(ex, [row], tenantName);
  return view as ApprovalView;
}

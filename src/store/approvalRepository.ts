import type { Selectable } from "kysely";
import type { ApprovalPolicy, ApprovalStatus } from "../domain/approvals.js";
import type { Executor } from "./database.js";
import type { ApprovalsTable } from "./schema.js";

export type ApprovalRow = Selectable<ApprovalsTable>;

/** Records a new approval (status `pending`). */
export async function insertApproval(ex: Executor, row: ApprovalRow): Promise<void> {
  await ex.insertInto("approvals").values(row).execute();
}

/** The approval with this id in this tenant, or undefined (another tenant's id looks like no id). */
export function findApproval(ex: Executor, tenantId: string, id: string): Promise<ApprovalRow | undefined> {
  return ex
    .selectFrom("approvals")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** A tenant's approvals, newest first, optionally of some statuses, after a cursor id (ids sort by time). */
export function listApprovalRows(
  ex: Executor,
  tenantId: string,
  options: { statuses?: readonly ApprovalStatus[]; beforeId?: string; limit: number },
): Promise<ApprovalRow[]> {
  let query = ex.selectFrom("approvals").selectAll().where("tenant_id", "=", tenantId);
  if (options.statuses?.length) query = query.where("status", "in", [...options.statuses]);
  if (options.beforeId !== undefined) query = query.where("id", "<", options.beforeId);
  return query.orderBy("id", "desc").limit(options.limit).execute();
}

/** The pending approvals shown in one conversation, oldest first. */
export function pendingInConversation(
  ex: Executor,
  tenantId: string,
  conversationId: string,
): Promise<ApprovalRow[]> {
  return ex
    .selectFrom("approvals")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("conversation_id", "=", conversationId)
    .where("status", "=", "pending")
    .orderBy("id")
    .execute();
}

/** A pending approval of the same requester for the same tool and arguments (asked twice: one approval). */
export function findPendingTwin(
  ex: Executor,
  row: Pick<ApprovalRow, "tenant_id" | "tool" | "args_hash" | "requested_by" | "conversation_id">,
  now: string,
): Promise<ApprovalRow | undefined> {
  let query = ex
    .selectFrom("approvals")
    .selectAll()
    .where("tenant_id", "=", row.tenant_id)
    .where("tool", "=", row.tool)
    .where("args_hash", "=", row.args_hash)
    .where("requested_by", "=", row.requested_by)
    .where("status", "=", "pending")
    .where("expires_at", ">", now);
  query =
    row.conversation_id === null
      ? query.where("conversation_id", "is", null)
      : query.where("conversation_id", "=", row.conversation_id);
  return query.executeTakeFirst();
}

/**
 * Moves an approval from `from` to `to` with `patch`, only if it is still in `from` (and, for a decision, not
 * expired): the one conditional update that makes each step happen once. Answers whether this call moved it.
 */
export async function moveApproval(
  ex: Executor,
  id: string,
  from: ApprovalStatus,
  to: ApprovalStatus,
  patch: Partial<Omit<ApprovalRow, "id" | "tenant_id" | "status">> = {},
  unexpiredAt?: string,
): Promise<boolean> {
  let query = ex
    .updateTable("approvals")
    .set({ ...patch, status: to })
    .where("id", "=", id)
    .where("status", "=", from);
  if (unexpiredAt !== undefined) query = query.where("expires_at", ">", unexpiredAt);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Pending approvals of a tenant whose time ran out (they are marked `expired` with an event each). */
export function listLapsedApprovals(ex: Executor, tenantId: string, now: string): Promise<ApprovalRow[]> {
  return ex
    .selectFrom("approvals")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("status", "=", "pending")
    .where("expires_at", "<=", now)
    .execute();
}

/** A tenant's stored approval policy, or undefined when it never set one. */
export async function findApprovalPolicy(
  ex: Executor,
  tenantId: string,
): Promise<ApprovalPolicy | undefined> {
  const row = await ex
    .selectFrom("approval_policies")
    .select("policy")
    .where("tenant_id", "=", tenantId)
    .executeTakeFirst();
  return row?.policy;
}

/** Sets a tenant's approval policy. */
export async function putApprovalPolicy(
  ex: Executor,
  tenantId: string,
  policy: ApprovalPolicy,
  actor: string,
): Promise<void> {
  const now = new Date().toISOString();
  await ex
    .insertInto("approval_policies")
    .values({ tenant_id: tenantId, policy, updated_by: actor, updated_at: now })
    .onConflict((oc) => oc.column("tenant_id").doUpdateSet({ policy, updated_by: actor, updated_at: now }))
    .execute();
}

import { parseToolArgs, toolNamed } from "../ai/tools/registry.js";
import { runTool } from "../ai/tools/runTool.js";
import type { Tool, ToolAnswer } from "../ai/tools/tool.js";
import { canonicalJson } from "../domain/canonicalJson.js";
import { AimsError, isAimsError } from "../domain/errors.js";
import type { Actor } from "../lifecycle/actor.js";
import type { Platform } from "../platform.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { type ApprovalRow, findApproval, moveApproval } from "../store/approvalRepository.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { makerOf } from "../tenancy/authenticate.js";
import { type Caller, hostCaller } from "../tenancy/principal.js";
import { approvalHash, openArgs, sameHash } from "./approvalArgs.js";
import { approvalChange } from "./approvalChange.js";

/** Why a claimed approval may not run, checked after the claim and before anything runs. */
function verifiedCall(
  p: Platform,
  tenant: TenantRow,
  row: ApprovalRow,
): { tool: Tool; args: Record<string, unknown> } {
  let canonical: string;
  try {
    canonical = openArgs(p.masterKey, row.id, row.args);
  } catch {
    throw new AimsError(
      "conflict",
      `approval ${row.id} was not executed: its stored arguments do not open (changed in the store)`,
    );
  }
  if (!sameHash(approvalHash(p.masterKey, tenant.id, row.tool, canonical), row.args_hash))
    throw new AimsError(
      "conflict",
      `approval ${row.id} was not executed: its arguments are not the ones that were approved (their hash differs)`,
    );
  const tool = toolNamed(row.tool);
  const args = parseToolArgs(tool, JSON.parse(canonical));
  if (canonicalJson(args) !== canonical)
    throw new AimsError(
      "conflict",
      `approval ${row.id} was not executed: its arguments no longer read as approved`,
    );
  return { tool, args };
}

/** The caller an approved action runs as: who asked, as they stand now (not as they stood when they asked). */
async function requesterNow(p: Platform, row: ApprovalRow, decider: Actor): Promise<Caller> {
  const source = `acheevy approval ${row.id} (approved by ${decider.id})`;
  const maker = await makerOf(p.store.db, row.requested_by);
  if (maker === "host") return hostCaller({ id: row.requested_by, source });
  if (!maker)
    throw new AimsError(
      "forbidden",
      `approval ${row.id} was not executed: ${row.requested_by}, who asked, may no longer act (removed, revoked or expired)`,
    );
  return { principal: maker, source };
}

/**
 * Runs an approved action exactly once. The claim `approved → executing` is one conditional update: of two
 * executions at once, one moves it and runs, the other is AimsError("conflict") and runs nothing. After the claim,
 * the sealed arguments are opened and checked against the approved hash, and the requester's standing now must
 * still allow the tool; then the tool runs the operation, as the requester, and the approval ends `done` or
 * `failed` (event + audit by the decider). A failure is thrown on, after it is recorded.
 */
export async function executeApproval(
  p: Platform,
  tenant: TenantRow,
  id: string,
  decider: Actor,
  progress: ProgressSink,
): Promise<{ row: ApprovalRow; answer: ToolAnswer }> {
  const claimedAt = new Date().toISOString();
  if (!(await moveApproval(p.store.db, id, "approved", "executing", { executed_at: claimedAt })))
    throw new AimsError("conflict", `approval ${id} has already run, or is running`);
  const row = (await findApproval(p.store.db, tenant.id, id))!;
  let answer: ToolAnswer;
  try {
    const { tool, args } = verifiedCall(p, tenant, row);
    const caller = await requesterNow(p, row, decider);
    answer = await runTool(tool, { platform: p, tenant: tenant.name, progress }, caller, args);
  } catch (err) {
    const message = isAimsError(err) ? err.message : "internal error";
    if (!isAimsError(err))
      p.logger.error({ err: String(err), approval: id }, "an approved action failed unexpectedly");
    await finish(p, tenant, row, decider, "failed", { error: message });
    throw isAimsError(err)
      ? new AimsError(err.code, `approval ${id} was approved; running it failed: ${message}`, err.status)
      : err;
  }
  const done = await finish(p, tenant, row, decider, "done", { result: answer });
  return { row: done, answer };
}

async function finish(
  p: Platform,
  tenant: TenantRow,
  row: ApprovalRow,
  decider: Actor,
  status: "done" | "failed",
  outcome: { result?: ToolAnswer; error?: string },
): Promise<ApprovalRow> {
  const finishedAt = new Date().toISOString();
  const patch = {
    finished_at: finishedAt,
    result: outcome.result ? JSON.stringify(outcome.result) : null,
    error: outcome.error ?? null,
  };
  await withTransaction(p.store.db, async (trx) => {
    await moveApproval(trx, row.id, "executing", status, patch);
    await recordChange(
      trx,
      approvalChange(decider, tenant, row, {
        event: status === "done" ? "approval.executed" : "approval.failed",
        action: "approval.execute",
        result: status === "done" ? "ok" : "failed",
        data: {
          approvedBy: row.decided_by,
          ...(outcome.result ? { said: outcome.result.say } : {}),
          ...(outcome.error ? { error: outcome.error } : {}),
        },
      }),
    );
  });
  return { ...row, ...patch, status };
}

import { parseToolArgs, toolNamed } from "../ai/tools/registry.js";
import { authoriseTool } from "../ai/tools/runTool.js";
import type { Tool, ToolContext } from "../ai/tools/tool.js";
import { needsApproval, type Risk } from "../domain/approvals.js";
import { AimsError, isAimsError, toErrorBody } from "../domain/errors.js";
import { appendAudit } from "../store/auditLog.js";
import { withTransaction } from "../store/database.js";
import { findTenantByName } from "../store/tenantRepository.js";
import { actorOf, type Caller, requireTenant } from "../tenancy/principal.js";
import { policyOf } from "./approvalPolicy.js";
import { type ApprovalView, approvalView } from "./approvalView.js";
import { requestApproval } from "./requestApproval.js";

/** Where an AI actor's proposed action ended up. */
export type ActionStatus = "planned" | "awaiting_approval" | "done" | "failed" | "refused";

/** One proposed action and what became of it (chat turns and, later, MCP answers are made of these). */
export interface ActionOutcome {
  tool: string;
  /** The arguments as parsed (what would run), secret inputs shown as `(secret)`; as given when they did not parse. */
  args: unknown;
  risk: Risk | null;
  status: ActionStatus;
  /** What happened, in a sentence. */
  say: string;
  approval?: ApprovalView;
  data?: unknown;
  error?: { code: string; message: string };
}

/** What the actor proposes: a tool by name and its arguments, not yet checked. */
export interface ProposedCall {
  tool: string;
  args: unknown;
}

/**
 * The one door for actions an AI actor (ACHEEVY, later MCP clients and the autoscaler) initiates. The tool
 * and its risk come from our registry; the arguments are parsed by the tool's schema; the caller must hold the
 * tool's permissions as for a direct call. A read runs at once. Anything else runs at once only when the tenant's
 * policy says no approval is needed; otherwise it becomes a pending approval (the caller must hold
 * `approval.request`) and nothing runs until a person who may decide approves it. `dryRun` runs nothing and
 * records nothing. Never throws for the action's own failures: they are in the outcome.
 */
export async function proposeAction(
  ctx: ToolContext,
  caller: Caller,
  call: ProposedCall,
  origin: { conversationId: string | null; dryRun: boolean },
): Promise<ActionOutcome> {
  let tool: Tool;
  let args: Record<string, unknown>;
  try {
    tool = toolNamed(call.tool);
    args = parseToolArgs(tool, call.args);
  } catch (err) {
    return refused(call.tool, call.args, null, err);
  }
  let shown: unknown = args;
  try {
    shown = tool.redact ? await tool.redact(ctx, args) : args;
    await authoriseTool(tool, ctx, caller, args);
  } catch (err) {
    if (isAimsError(err, "forbidden") && !origin.dryRun)
      await auditDenied(ctx, caller, tool.name, err.message);
    return refused(tool.name, shown, tool.risk, err);
  }
  const base = { tool: tool.name, args: shown, risk: tool.risk };
  const tenant = await findTenantByName(ctx.platform.store.db, ctx.tenant);
  if (!tenant)
    return refused(tool.name, shown, tool.risk, new AimsError("not_found", `no tenant ${ctx.tenant}`));
  const gated = needsApproval(tool.risk, await policyOf(ctx.platform, tenant));
  if (origin.dryRun) {
    let say = `Would run ${tool.name}${gated ? " after a person approves it" : ""}.`;
    try {
      if (tool.plan)
        say = `Would ${lowerFirst((await tool.plan(ctx, args)).summary)}${gated ? ", after a person approves it" : ""}.`;
    } catch (err) {
      return refused(tool.name, shown, tool.risk, err);
    }
    return { ...base, status: "planned", say };
  }
  if (!gated) {
    try {
      const answer = await tool.run(ctx, caller, args);
      return { ...base, status: "done", say: answer.say, data: answer.data };
    } catch (err) {
      return failed(base, err, ctx);
    }
  }
  try {
    await requireTenant(ctx.platform.store.db, caller.principal, ctx.tenant, "approval.request");
    // Every tool that changes something says what it will do (src/ai/tools/): an approval always shows it.
    if (!tool.plan) throw new AimsError("invalid_input", `${tool.name} cannot say what it would do`);
    const plan = await tool.plan(ctx, args);
    const row = await requestApproval(ctx.platform, caller, {
      tenant,
      tool,
      args,
      shownArgs: shown,
      plan,
      conversationId: origin.conversationId,
    });
    const approval = await approvalView(ctx.platform.store.db, row, tenant.name);
    return {
      ...base,
      status: "awaiting_approval",
      say: `${plan.summary}. This needs a person's approval (approval ${row.id}, until ${row.expires_at.slice(11, 16)} UTC).`,
      approval,
    };
  } catch (err) {
    return refused(tool.name, shown, tool.risk, err);
  }
}

/** Audits what an AI actor asked for that the caller's role does not allow (result `denied`), like the API does. */
async function auditDenied(ctx: ToolContext, caller: Caller, tool: string, reason: string): Promise<void> {
  const tenant = await findTenantByName(ctx.platform.store.db, ctx.tenant);
  const actor = actorOf(caller);
  await withTransaction(ctx.platform.store.db, (trx) =>
    appendAudit(trx, {
      actor: actor.id,
      source: actor.source,
      action: tool,
      target: `tenant/${ctx.tenant}`,
      tenantId: tenant?.id ?? null,
      result: "denied",
      data: { reason },
    }),
  );
}

const lowerFirst = (s: string) => `${s[0]?.toLowerCase() ?? ""}${s.slice(1)}`;

function refused(tool: string, args: unknown, risk: Risk | null, err: unknown): ActionOutcome {
  const body = toErrorBody(err).error;
  return { tool, args, risk, status: "refused", say: `I did not run ${tool}: ${body.message}.`, error: body };
}

function failed(
  base: Pick<ActionOutcome, "tool" | "args" | "risk">,
  err: unknown,
  ctx: ToolContext,
): ActionOutcome {
  if (!isAimsError(err))
    ctx.platform.logger.error({ err: String(err), tool: base.tool }, "a tool failed unexpectedly");
  const body = toErrorBody(err).error;
  return { ...base, status: "failed", say: `${base.tool} failed: ${body.message}`, error: body };
}

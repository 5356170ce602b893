import * as z from "zod";
import { approvalViews } from "../../approvals/approvalView.js";
import { decideApproval } from "../../approvals/decideApproval.js";
import { type ActionOutcome, proposeAction } from "../../approvals/proposeAction.js";
import { toErrorBody } from "../../domain/errors.js";
import { newId } from "../../domain/names.js";
import type { Platform } from "../../platform.js";
import { findApproval, pendingInConversation } from "../../store/approvalRepository.js";
import { appendMessages, listMessages } from "../../store/conversationRepository.js";
import { withTransaction } from "../../store/database.js";
import type { TenantRow } from "../../store/tenantRepository.js";
import { type Caller, requireTenant } from "../../tenancy/principal.js";
import type { Interpret } from "../intent/types.js";
import { isToolName, toolNamed } from "../tools/registry.js";
import { approvalReply } from "./approvalReply.js";
import { requireConversation, startConversation } from "./conversations.js";
import { intentContext } from "./intentContext.js";
import type { ChatEvent, TurnAction, TurnView } from "./turnView.js";

/** One chat request: `POST /v1/tenants/{t}/chat`, `aims chat`. */
export const chatInput = z.strictObject({
  message: z.string().trim().min(1, "is empty: say what you need").max(2000),
  /** Go on with this conversation (an id from an earlier turn); absent: a new one. */
  conversation: z.string().min(1).max(64).optional(),
  /** Say what would happen and do nothing (no approval asked, nothing run, nothing stored). */
  dryRun: z.boolean().default(false),
});
export type ChatInput = z.output<typeof chatInput>;

const toAction = (o: ActionOutcome): TurnAction => ({
  tool: o.tool,
  args: o.args,
  risk: o.risk,
  status: o.status,
  approvalId: o.approval?.id ?? null,
  say: o.say,
  result: o.data ?? null,
  error: o.error ?? null,
});

/** The registry's risk of a tool the engine named (null for a name that is no tool). */
function riskOf(name: string): TurnAction["risk"] {
  return isToolName(name) ? toolNamed(name).risk : null;
}

/** A turn being put together: its text streams as it is written. */
class Turn {
  readonly parts: string[] = [];
  readonly actions: TurnAction[] = [];
  question: string | null = null;
  options: string[] = [];
  refusal: TurnView["refusal"] = null;

  constructor(readonly emit: (event: ChatEvent) => void) {}

  say(text: string): void {
    const delta = `${this.parts.length ? "\n" : ""}${text}`;
    this.parts.push(text);
    this.emit({ type: "text", delta });
  }

  view(conversation: string | null, dryRun: boolean): TurnView {
    return {
      conversation,
      reply: this.parts.join("\n"),
      actions: this.actions,
      question: this.question,
      options: this.options,
      approvalId: this.actions.find((a) => a.status === "awaiting_approval")?.approvalId ?? null,
      refusal: this.refusal,
      dryRun,
    };
  }
}

/**
 * One turn of ACHEEVY: the person's message in, the reply, the actions and their outcomes out, streamed as
 * `emit` events while it runs and persisted in the caller's conversation. A message that is, whole, a yes or
 * a no decides the approvals ACHEEVY's last answer asked for, as the caller (who must be someone who may
 * decide); it is recognised here, from what the person typed, and never reaches the engine. Anything else goes
 * to the engine, whose tool calls go through `proposeAction`: nothing the engine says can approve anything.
 */
export async function runChatTurn(
  p: Platform,
  caller: Caller,
  tenantName: string,
  input: ChatInput,
  interpret: Interpret,
  emit: (event: ChatEvent) => void = () => {},
): Promise<TurnView> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "instance.read");
  const existing = input.conversation
    ? await requireConversation(p, caller, tenant, input.conversation)
    : undefined;
  const turn = new Turn(emit);
  const progress = (message: string) => emit({ type: "progress", message });
  const ctx = { platform: p, tenant: tenant.name, progress };
  // A conversation is stored once a turn happens in it (a dry run stores nothing); it exists before an approval
  // is asked for in it, so that "yes" there finds that approval.
  let conversationId = existing?.id ?? null;
  const conversation = async () => {
    if (conversationId === null && !input.dryRun)
      conversationId = (await startConversation(p, caller, tenant, input.message)).id;
    return conversationId;
  };
  const reply = approvalReply(input.message);
  if (reply !== undefined) {
    await approvalTurn(p, caller, tenant, existing?.id ?? null, reply, input.dryRun, turn);
  } else {
    const result = interpret(input.message, await intentContext(p, tenant, existing?.id ?? null));
    if (result.kind === "clarify") {
      turn.question = result.question;
      turn.options = result.options;
      turn.say(result.question);
    } else if (result.kind === "refuse") {
      turn.refusal = result.reason;
      turn.say(result.reply);
    } else {
      if (result.reply) turn.say(result.reply);
      const origin = { conversationId: await conversation(), dryRun: input.dryRun };
      let blocked = false;
      for (const call of result.actions) {
        emit({ type: "tool_call", tool: call.tool, args: call.args, risk: riskOf(call.tool) });
        const outcome: ActionOutcome = blocked
          ? {
              tool: call.tool,
              args: call.args,
              risk: riskOf(call.tool),
              status: "refused",
              say: `I did not run ${call.tool}: the step before it did not succeed.`,
              error: { code: "conflict", message: "the step before it did not succeed" },
            }
          : await proposeAction(ctx, caller, call, origin);
        if (outcome.status === "failed" || outcome.status === "refused") blocked = true;
        const action = toAction(outcome);
        turn.actions.push(action);
        if (outcome.approval) emit({ type: "approval_request", approval: outcome.approval });
        else emit({ type: "tool_result", action });
        turn.say(outcome.say);
      }
      if (turn.actions.some((a) => a.status === "awaiting_approval"))
        turn.say('Say "yes" to approve, or "no" to cancel.');
    }
  }
  return finish(p, await conversation(), input, turn);
}

/** A yes or a no: decides the approvals the last answer asked for (still pending), oldest first, as the caller. */
async function approvalTurn(
  p: Platform,
  caller: Caller,
  tenant: TenantRow,
  conversationId: string | null,
  reply: "approve" | "deny",
  dryRun: boolean,
  turn: Turn,
): Promise<void> {
  const waiting = conversationId ? await pendingInConversation(p.store.db, tenant.id, conversationId) : [];
  // A yes answers the question just asked: the approvals shown in ACHEEVY's last answer, not older ones.
  const shown = conversationId ? await shownLast(p, conversationId) : new Set<string>();
  const pending = waiting.filter((row) => shown.has(row.id));
  if (!pending.length) {
    turn.say(
      waiting.length
        ? `Nothing in my last answer waits for your approval. Still waiting in this conversation: ${waiting.map((r) => `${r.id} (${r.summary})`).join("; ")} — ask for it again, or decide it with \`aims approvals approve <id> --tenant ${tenant.name}\`.`
        : "Nothing is waiting for your approval in this conversation.",
    );
    return;
  }
  const progress = (message: string) => turn.emit({ type: "progress", message });
  const views = await approvalViews(p.store.db, pending, tenant.name);
  for (const [i, row] of pending.entries()) {
    const view = views[i] as (typeof views)[number];
    turn.emit({ type: "tool_call", tool: row.tool, args: view.args, risk: row.risk });
    const base = {
      tool: row.tool,
      args: view.args,
      risk: row.risk,
      approvalId: row.id,
      result: null,
      error: null,
    };
    let action: TurnAction;
    if (dryRun) {
      action = { ...base, status: "planned", say: `Would ${reply} approval ${row.id}: ${row.summary}.` };
    } else {
      try {
        const outcome = await decideApproval(
          p,
          caller,
          tenant.name,
          row.id,
          // Bound to what this conversation showed: a changed approval is not the one the person said yes to.
          { approve: reply === "approve", argsHash: row.args_hash },
          progress,
        );
        action =
          reply === "approve"
            ? {
                ...base,
                status: "done",
                say: outcome.answer?.say ?? "Done.",
                result: outcome.answer?.data ?? null,
              }
            : { ...base, status: "refused", say: `Cancelled: ${row.summary}. Nothing ran.` };
      } catch (err) {
        const error = toErrorBody(err).error;
        // Refused (not allowed, expired, decided already): nothing ran. Failed: it was approved and ran.
        const now = await findApproval(p.store.db, tenant.id, row.id);
        const refused = now?.status !== "failed" && now?.status !== "done";
        action = {
          ...base,
          status: refused ? "refused" : "failed",
          say: refused ? `Nothing ran: ${error.message}.` : `It failed: ${error.message}`,
          error,
        };
      }
    }
    turn.actions.push(action);
    turn.emit({ type: "tool_result", action });
    turn.say(action.say);
  }
}

/** The approvals ACHEEVY's last answer in this conversation asked for. */
async function shownLast(p: Platform, conversationId: string): Promise<Set<string>> {
  const [last] = await listMessages(p.store.db, conversationId, 1);
  if (last?.author !== "acheevy" || last.turn === null) return new Set();
  const turn = JSON.parse(last.turn) as TurnView;
  return new Set(
    turn.actions
      .filter((a) => a.status === "awaiting_approval")
      .flatMap((a) => (a.approvalId ? [a.approvalId] : [])),
  );
}

/** Stores the person's message and ACHEEVY's turn (not for a dry run), then says it is done. */
async function finish(
  p: Platform,
  conversationId: string | null,
  input: ChatInput,
  turn: Turn,
): Promise<TurnView> {
  const view = turn.view(conversationId, input.dryRun);
  if (!input.dryRun && conversationId !== null)
    await withTransaction(p.store.db, (trx) =>
      appendMessages(trx, conversationId, [
        { id: newId(), author: "person", text: input.message, turn: null },
        { id: newId(), author: "acheevy", text: view.reply, turn: JSON.stringify(view) },
      ]),
    );
  turn.emit({ type: "done", turn: view });
  return view;
}

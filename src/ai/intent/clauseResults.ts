/** What reading a clause needs and gives back, and the three ways it answers (act, ask, refuse). */
import type { Focus } from "./focus.js";
import type { PlugIndex } from "./plugIndex.js";
import type { IntentContext, IntentResult, ToolCall, ToolName } from "./types.js";

/** What reading one clause needs: the tenant, the catalog index, what was talked about. */
export interface ClauseEnv {
  context: IntentContext;
  index: PlugIndex;
  focus: Focus;
  /** The calls planned so far in this request. */
  planned: readonly ToolCall[];
}

/** A clause read: calls, a question or a refusal; `none` when it asks for nothing. */
export type ClauseResult = IntentResult | { kind: "none" };

export const clarify = (question: string, options: string[] = []): IntentResult => ({
  kind: "clarify",
  question,
  options,
});
export const refuse = (
  reply: string,
  reason: "invalid" | "not_in_catalog" | "out_of_scope",
): IntentResult => ({
  kind: "refuse",
  reply,
  reason,
});

export function act(tool: ToolName, args: Record<string, unknown>): IntentResult {
  return { kind: "actions", actions: [{ tool, args }] };
}

/**
 * The contract between ACHEEVY's intent engine (src/ai/intent/, pure and offline) and the chat layer that
 * runs tools (src/ai/chat/, src/ai/tools/). The engine never runs anything: it turns one utterance, in its
 * conversation, into tool calls, a clarifying question or a refusal. Tool names and arguments are those of
 * test/acheevy/corpus/FORMAT.md.
 */

export const TOOL_NAMES = [
  "catalog.search",
  "catalog.describe",
  "instance.deploy",
  "instance.list",
  "instance.status",
  "instance.logs",
  "instance.stop",
  "instance.start",
  "instance.restart",
  "instance.scale",
  "instance.update",
  "instance.suspend",
  "instance.resume",
  "instance.remove",
  "domain.add",
  "domain.remove",
  "instance.history",
  "instance.explain",
  "tenant.usage",
  "help",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** One tool call the engine proposes; `args` are checked against the tool's own zod schema before anything runs. */
export interface ToolCall {
  tool: ToolName;
  args: Record<string, unknown>;
}

/** What the engine knows of the tenant when it reads an utterance (no secrets, nothing of other tenants). */
export interface IntentContext {
  /** The tenant's own name, when known: "restart web in acme" is then this tenant, any other is refused. */
  tenant?: string;
  instances: ReadonlyArray<{ name: string; plug: string; state: string; services: readonly string[] }>;
  catalog: ReadonlyArray<{
    id: string;
    title: string;
    description: string;
    category: string;
    tags: readonly string[];
    /**
     * The plug's intake questions. `description` is best the manifest's `question` and `help`; `min`/`max`
     * (an int's range) and `values` (an enum's) let the engine refuse a value the deploy would refuse.
     */
    inputs: ReadonlyArray<{
      key: string;
      type: string;
      required: boolean;
      description?: string;
      min?: number;
      max?: number;
      values?: readonly string[];
    }>;
    services: readonly string[];
  }>;
  /** Earlier turns of this conversation, oldest first: what was said and which tool calls followed. */
  history: ReadonlyArray<{ say: string; did: readonly ToolCall[] }>;
}

export type IntentResult =
  | { kind: "actions"; actions: ToolCall[]; reply?: string }
  | { kind: "clarify"; question: string; options: string[] }
  | {
      kind: "refuse";
      reply: string;
      reason: "out_of_scope" | "hostile" | "not_in_catalog" | "invalid" | "other_tenant";
    };

/** The engine: `interpret(utterance, context)`; pure, synchronous, deterministic. */
export type Interpret = (utterance: string, context: IntentContext) => IntentResult;

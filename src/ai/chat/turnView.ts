import type { ApprovalView } from "../../approvals/approvalView.js";
import type { ActionStatus } from "../../approvals/proposeAction.js";
import type { Risk } from "../../domain/approvals.js";

/** One action of a turn, as `aims chat --json` prints it (docs/acheevy.md documents every field). */
export interface TurnAction {
  tool: string;
  args: unknown;
  risk: Risk | null;
  status: ActionStatus;
  /** The approval it waits for (or ran under); null when none was needed. */
  approvalId: string | null;
  /** What happened, in a sentence. */
  say: string;
  /** What the tool answered (an instance view, a list…); null unless it ran. */
  result: unknown;
  error: { code: string; message: string } | null;
}

/** Why ACHEEVY refused a whole request. */
export type Refusal = "out_of_scope" | "hostile" | "not_in_catalog" | "invalid" | "other_tenant";

/** One turn of a conversation: the stable object of `aims chat --json` and of the chat API in JSON. */
export interface TurnView {
  /** The conversation's id (pass it back to go on); null for a dry run that started none. */
  conversation: string | null;
  reply: string;
  actions: TurnAction[];
  /** A clarifying question, when ACHEEVY needs to know more before doing anything. */
  question: string | null;
  /** What the question offers (plugs, instances). */
  options: string[];
  /** The first approval this turn waits for; `yes` in the same conversation approves every one it shows. */
  approvalId: string | null;
  refusal: Refusal | null;
  dryRun: boolean;
}

/** What the chat streams while a turn runs (SSE events of the same names, docs/acheevy.md). */
export type ChatEvent =
  | { type: "text"; delta: string }
  | { type: "tool_call"; tool: string; args: unknown; risk: Risk | null }
  | { type: "approval_request"; approval: ApprovalView }
  | { type: "tool_result"; action: TurnAction }
  | { type: "progress"; message: string }
  | { type: "done"; turn: TurnView };

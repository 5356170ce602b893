import type { ChatEvent, TurnView } from "../../ai/chat/turnView.js";
import type { ApprovalPolicyView } from "../../approvals/approvalPolicy.js";
import type { ApprovalView } from "../../approvals/approvalView.js";
import type { ApprovalPolicy, ApprovalStatus } from "../../domain/approvals.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";

/** One chat turn asked of ACHEEVY. */
export interface ChatRequest {
  tenant: string;
  message: string;
  conversation?: string;
  dryRun: boolean;
}

/**
 * What `aims chat` and `aims approvals` ask of AIMS, on the host (as the person at its terminal) or through the
 * API (as the key of AIMS_API_KEY): the same answers either way.
 */
export interface AcheevyClient {
  /** One turn; `onEvent` hears its text, tool calls, approval requests and results as they happen. */
  chat(request: ChatRequest, onEvent: (event: ChatEvent) => void): Promise<TurnView>;
  listApprovals(tenant: string, status?: ApprovalStatus): Promise<ApprovalView[]>;
  getApproval(tenant: string, id: string): Promise<ApprovalView>;
  /** Approves (and runs, once) or denies an approval. */
  decideApproval(
    tenant: string,
    id: string,
    decision: { approve: boolean; reason?: string },
    progress: ProgressSink,
  ): Promise<ApprovalView>;
  approvalPolicy(tenant: string): Promise<ApprovalPolicyView>;
  setApprovalPolicy(tenant: string, policy: ApprovalPolicy): Promise<ApprovalPolicyView>;
}

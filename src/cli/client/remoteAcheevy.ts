import type { ChatEvent, TurnView } from "../../ai/chat/turnView.js";
import type { ApprovalPolicyView } from "../../approvals/approvalPolicy.js";
import type { ApprovalView } from "../../approvals/approvalView.js";
import { AimsError, isAimsErrorCode } from "../../domain/errors.js";
import type { AcheevyClient } from "./acheevyClient.js";
import type { RemoteApi } from "./RemoteApi.js";
import { sseFrames } from "./sseFrames.js";

const segment = encodeURIComponent;
const tenantPath = (tenant: string) => `/v1/tenants/${segment(tenant)}`;

/** A chat stream's frame as the event it carries; `done` answers the turn, `error` throws. */
function eventOf(name: string | undefined, data: unknown): ChatEvent | TurnView | undefined {
  const body = data as Record<string, unknown>;
  switch (name) {
    case "text":
      return { type: "text", delta: String(body.delta ?? "") };
    case "progress":
      return { type: "progress", message: String(body.message ?? "") };
    case "tool_call":
      return { type: "tool_call", ...(body as Omit<Extract<ChatEvent, { type: "tool_call" }>, "type">) };
    case "approval_request":
      return { type: "approval_request", approval: body.approval as ApprovalView };
    case "tool_result":
      return {
        type: "tool_result",
        action: body as unknown as Extract<ChatEvent, { type: "tool_result" }>["action"],
      };
    case "done":
      return body as unknown as TurnView;
    case "error": {
      const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
      const message = typeof error.message === "string" ? error.message : "the chat turn failed";
      throw isAimsErrorCode(error.code) ? new AimsError(error.code, message) : new Error(message);
    }
    default:
      return undefined;
  }
}

/** ACHEEVY through the HTTP API: a chat turn as server-sent events, approvals as JSON. */
export function remoteAcheevy(api: RemoteApi): AcheevyClient {
  return {
    async chat(request, onEvent) {
      const response = await api.send("POST", `${tenantPath(request.tenant)}/chat`, {
        headers: { accept: "text/event-stream" },
        body: {
          message: request.message,
          dryRun: request.dryRun,
          ...(request.conversation ? { conversation: request.conversation } : {}),
        },
      });
      async function* text(): AsyncGenerator<string> {
        if (!response.body) return;
        const decoder = new TextDecoder();
        try {
          for await (const bytes of response.body)
            yield decoder.decode(bytes as Uint8Array, { stream: true });
        } catch (err) {
          throw api.unreachable(err);
        }
      }
      for await (const frame of sseFrames(text())) {
        if (frame.data === undefined) continue;
        const event = eventOf(frame.event, JSON.parse(frame.data));
        if (event === undefined) continue;
        if (frame.event === "done") return event as TurnView;
        onEvent(event as ChatEvent);
      }
      throw new AimsError("unavailable", `${api.url} ended the chat stream before the turn was done`);
    },
    async listApprovals(tenant, status) {
      const items: ApprovalView[] = [];
      let cursor: string | undefined;
      do {
        const { body } = await api.json<{ items: ApprovalView[]; nextCursor: string | null }>(
          "GET",
          `${tenantPath(tenant)}/approvals`,
          { query: { status, limit: 200, cursor } },
        );
        items.push(...body.items);
        cursor = body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return items;
    },
    async getApproval(tenant, id) {
      return (await api.json<ApprovalView>("GET", `${tenantPath(tenant)}/approvals/${segment(id)}`)).body;
    },
    async decideApproval(tenant, id, decision, progress) {
      progress(`asked ${api.url} to ${decision.approve ? "approve (and run)" : "deny"} approval ${id}`);
      const path = `${tenantPath(tenant)}/approvals/${segment(id)}/${decision.approve ? "approve" : "deny"}`;
      const body = decision.approve ? {} : decision.reason ? { reason: decision.reason } : {};
      return (await api.json<ApprovalView>("POST", path, { body })).body;
    },
    async approvalPolicy(tenant) {
      return (await api.json<ApprovalPolicyView>("GET", `${tenantPath(tenant)}/approval-policy`)).body;
    },
    async setApprovalPolicy(tenant, policy) {
      return (
        await api.json<ApprovalPolicyView>("PATCH", `${tenantPath(tenant)}/approval-policy`, {
          body: { policy },
        })
      ).body;
    },
  };
}

import { csrfHeaders, signedOut } from "./client";
import { ApiError, apiErrorOf } from "./errors";

import type { Approval, Risk, Turn, TurnAction } from "./types";

export type {
  Approval,
  ApprovalStatus,
  Conversation,
  ConversationSummary,
  Risk,
  Turn,
  TurnAction,
} from "./types";

/** What a chat turn streams, as `POST …/chat` sends it (event name, then its data). */
export type ChatEvent =
  | { type: "text"; delta: string }
  | { type: "tool_call"; tool: string; args: unknown; risk: Risk | null }
  | { type: "approval_request"; approval: Approval }
  | { type: "tool_result"; action: TurnAction }
  | { type: "progress"; message: string }
  | { type: "done"; turn: Turn };

function toEvent(name: string, data: unknown): ChatEvent | ApiError | undefined {
  const d = data as Record<string, unknown>;
  switch (name) {
    case "text":
      return { type: "text", delta: String(d.delta ?? "") };
    case "tool_call":
      return { type: "tool_call", tool: String(d.tool), args: d.args, risk: (d.risk as Risk | null) ?? null };
    case "approval_request":
      return { type: "approval_request", approval: d.approval as Approval };
    case "tool_result":
      return { type: "tool_result", action: data as TurnAction };
    case "progress":
      return { type: "progress", message: String(d.message ?? "") };
    case "done":
      return { type: "done", turn: data as Turn };
    case "error": {
      const error = (d.error ?? {}) as { code?: string; message?: string };
      return new ApiError(error.message ?? "the chat failed", error.code ?? "unexpected", 500);
    }
    default:
      return undefined;
  }
}

/**
 * Sends one message to ACHEEVY (`POST /v1/tenants/{t}/chat` with `Accept: text/event-stream`, the session
 * cookie and the CSRF header) and hands over each event as it arrives. Resolves with the whole turn; rejects
 * with the API's error (a refusal before the turn, or an `error` event).
 */
export async function sendChat(
  tenant: string,
  body: { message: string; conversation?: string },
  onEvent: (event: ChatEvent) => void,
  signal?: AbortSignal,
): Promise<Turn> {
  let response: Response;
  try {
    response = await fetch(`/v1/tenants/${encodeURIComponent(tenant)}/chat`, {
      method: "POST",
      headers: { accept: "text/event-stream", "content-type": "application/json", ...csrfHeaders() },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("cannot reach AIMS: check that `aims serve` is running", "unavailable", 0);
  }
  if (response.status === 401) signedOut();
  if (!response.ok || !response.body) {
    const errorBody = await response.json().catch(() => undefined);
    throw apiErrorOf(errorBody, response);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let name = "message";
  let data: string[] = [];
  let turn: Turn | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length) {
          const event = toEvent(name, JSON.parse(data.join("\n")) as unknown);
          if (event instanceof ApiError) throw event;
          if (event) {
            if (event.type === "done") turn = event.turn;
            onEvent(event);
          }
        }
        name = "message";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = text;
        else if (field === "data") data.push(text);
      }
      newline = buffer.indexOf("\n");
    }
  }
  if (!turn) throw new ApiError("the chat ended before its answer was complete", "unavailable", 0);
  return turn;
}

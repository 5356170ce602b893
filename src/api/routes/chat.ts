import type { FastifyReply, FastifyRequest } from "fastify";
import { chatInput, runChatTurn } from "../../ai/chat/chatTurn.js";
import { deleteConversation, getConversation, listConversations } from "../../ai/chat/conversations.js";
import type { ChatEvent } from "../../ai/chat/turnView.js";
import { isAimsError, toErrorBody } from "../../domain/errors.js";
import { type Caller, requireTenant } from "../../tenancy/principal.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { conversationSummarySchema, conversationViewSchema, turnViewSchema } from "../responses/acheevy.js";
import { pageOf } from "../responses/pages.js";
import { type ApiServices, defineRoute } from "../route.js";
import { conversationParams, tenantParams } from "./params.js";

/** The SSE frame of one chat event: its type is the event name, the rest its data. */
function chatFrame(event: ChatEvent): string {
  const { type, ...data } = event;
  const body = type === "done" ? event.turn : type === "tool_result" ? event.action : data;
  return `event: ${type}\ndata: ${JSON.stringify(body)}\n\n`;
}

/** Where ACHEEVY's own audit entries come from: `acheevy api <address>`. */
const acheevyCaller = (caller: Caller, source: string): Caller => ({
  ...caller,
  source: `acheevy ${source}`,
});

/**
 * A turn as server-sent events: `text` deltas, `tool_call`, `approval_request`, `tool_result`, `progress`,
 * then `done` with the whole turn (or `error`). The stream is counted and re-checked like the event stream:
 * once the credential may no longer see the tenant, nothing more is sent (the turn itself finishes and is kept).
 */
async function streamTurn(
  services: ApiServices,
  caller: Caller,
  tenant: { id: string; name: string },
  body: ReturnType<typeof chatInput.parse>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { platform, streams } = services;
  const raw = reply.raw;
  const interpret = await services.interpret();
  const live = streams.open({
    request,
    principal: caller.principal,
    tenantId: tenant.id,
    question: `chat ${tenant.name}`,
    authorise: (principal) => requireTenant(platform.store.db, principal, tenant.name, "instance.read"),
    heartbeat: () => write(": heartbeat\n\n"),
    end: () => raw.end(),
  });
  function write(text: string) {
    if (!live.ended) raw.write(text);
  }
  reply.hijack();
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-request-id": String(request.id),
  });
  raw.flushHeaders();
  // The response's close: a POST's request may have closed already, once its body was read.
  raw.on("close", () => live.end());
  try {
    await runChatTurn(
      platform,
      acheevyCaller(caller, `api ${request.ip}`),
      tenant.name,
      body,
      interpret,
      (e) => write(chatFrame(e)),
    );
  } catch (err) {
    if (!isAimsError(err))
      platform.logger.error({ err: String(err), request: request.id }, "a chat turn failed");
    write(`event: error\ndata: ${JSON.stringify({ ...toErrorBody(err), requestId: request.id })}\n\n`);
  }
  live.end();
}

/** ACHEEVY: a chat turn, and the caller's conversations. */
export const chatRoutes = [
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/chat",
    summary:
      'One turn with ACHEEVY. With Accept: text/event-stream, server-sent events (text, tool_call, approval_request, tool_result, progress, done, error); otherwise one JSON object, the turn (docs/acheevy.md). "yes" or "no" alone decides the approvals the previous answer asked for',
    tag: "acheevy",
    auth: "required",
    engine: "drives",
    params: tenantParams,
    body: chatInput,
    response: turnViewSchema,
    produces: "text/event-stream",
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, "instance.read"),
    example: { body: { message: "what's running?" } },
    handler: async ({ services, caller, params, body, request, reply, source }) => {
      const { tenant } = await requireTenant(
        services.platform.store.db,
        caller.principal,
        params.tenant,
        "instance.read",
      );
      if ((request.headers.accept ?? "").includes("text/event-stream")) {
        await streamTurn(services, caller, tenant, body, request, reply);
        return undefined;
      }
      return runChatTurn(
        services.platform,
        acheevyCaller(caller, source),
        tenant.name,
        body,
        await services.interpret(),
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/conversations",
    summary: "Your conversations with ACHEEVY in this tenant, newest first",
    tag: "acheevy",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    response: pageOf(conversationSummarySchema),
    handler: async ({ services: { platform }, caller, params, query }) => {
      const before = decodeCursor(query.cursor, "string");
      const rows = await listConversations(platform, caller, params.tenant, {
        ...(before !== undefined ? { beforeId: before } : {}),
        limit: query.limit + 1,
      });
      return toPage(
        rows,
        query.limit,
        (r) => r.id,
        (r) => r,
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/conversations/:conversationId",
    summary: "One of your conversations: every message, with the turn (actions, approvals) of each answer",
    tag: "acheevy",
    auth: "required",
    params: conversationParams,
    response: conversationViewSchema,
    handler: ({ services: { platform }, caller, params }) =>
      getConversation(platform, caller, params.tenant, params.conversationId),
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/conversations/:conversationId",
    status: 204,
    summary: "Delete one of your conversations and its messages (its approvals stay, for the audit trail)",
    tag: "acheevy",
    auth: "required",
    params: conversationParams,
    handler: async ({ services: { platform }, caller, params }) => {
      await deleteConversation(platform, caller, params.tenant, params.conversationId);
      return undefined;
    },
  }),
];

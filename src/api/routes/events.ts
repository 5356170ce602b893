import type { FastifyReply, FastifyRequest } from "fastify";
import * as z from "zod";
import { AimsError } from "../../domain/errors.js";
import { nameSchema } from "../../domain/names.js";
import { numberFromText, wholeNumberSchema } from "../../domain/numbers.js";
import type { Platform } from "../../platform.js";
import { listEventFeed } from "../../store/eventFeed.js";
import type { EventRow } from "../../store/eventLog.js";
import { type Caller, type Principal, requireTenant, tenantsWhere } from "../../tenancy/principal.js";
import type { Subscription } from "../events/eventHub.js";
import { sseFrame, toEventView } from "../events/eventView.js";
import { parseTopics, typeMatches } from "../events/topics.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { type ApiServices, defineRoute } from "../route.js";
import { EventStreamWriter, WireFrame } from "../streams/eventStreamWriter.js";
import { startEventStream } from "../streams/streamHeaders.js";

const eventsQuery = pageQuery.extend({
  topics: z.string().max(2000).optional(),
  tenant: nameSchema.optional(),
  /** For clients that cannot send the Last-Event-ID header. */
  lastEventId: numberFromText(wholeNumberSchema(0, Number.MAX_SAFE_INTEGER)).optional(),
});

/** Which tenants' events a principal may see right now. */
async function eventScope(p: Platform, principal: Principal, tenantName: string | undefined) {
  if (tenantName !== undefined) {
    const { tenant } = await requireTenant(p.store.db, principal, tenantName, "event.read");
    return { tenantIds: [tenant.id] as string[] | "all", includeUntenanted: false };
  }
  if (
    principal.platformAdmin &&
    principal.tenantId === null &&
    (principal.scopes?.includes("event.read") ?? true)
  )
    return { tenantIds: "all" as const, includeUntenanted: true };
  const visible = await tenantsWhere(p.store.db, principal, "event.read");
  return { tenantIds: visible.map((v) => v.tenant.id), includeUntenanted: false };
}

/** Maximum bytes queued for a slow stream before it is dropped (it reconnects and resumes from the log). */
const MAX_BUFFERED = 4 * 1024 * 1024;
const RETRY = new WireFrame("retry: 2000\n\n");
const HEARTBEAT = new WireFrame(": heartbeat\n\n");

type EventScope = Awaited<ReturnType<typeof eventScope>>;

const tenantSet = (scope: EventScope) => (scope.tenantIds === "all" ? undefined : new Set(scope.tenantIds));

async function stream(
  services: ApiServices,
  caller: Caller,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: EventScope,
  query: z.output<typeof eventsQuery>,
  afterSeq: number | undefined,
): Promise<void> {
  const { platform, hub, metrics, streams } = services;
  const types = parseTopics(query.topics);
  let current = scope;
  let tenants = tenantSet(scope);
  let closed = false;
  let remove: (() => void) | undefined;
  // Added to the counter at each heartbeat and at the end rather than per event: one update, not one per stream.
  let uncounted = 0;
  const count = () => {
    if (uncounted) metrics.eventsDelivered.inc(uncounted);
    uncounted = 0;
  };
  // Counted against the tenant it shows, or the one its key is limited to. Throws 429 before anything is sent.
  const live = streams.open({
    request,
    principal: caller.principal,
    tenantId:
      query.tenant !== undefined && scope.tenantIds !== "all"
        ? (scope.tenantIds[0] ?? null)
        : caller.principal.tenantId,
    question: `events ${query.tenant ?? "*"}`,
    authorise: (principal) => eventScope(platform, principal, query.tenant),
    update: (next) => {
      current = next;
      tenants = tenantSet(next);
    },
    heartbeat: () => {
      if (!closed) writer.send(HEARTBEAT);
      count();
    },
    end: () => {
      closed = true;
      remove?.();
      count();
      metrics.sseSubscribers.dec();
      writer.end();
    },
  });
  startEventStream(request, reply);
  const writer = new EventStreamWriter(reply.raw, MAX_BUFFERED);
  writer.send(RETRY);
  metrics.sseSubscribers.inc();
  request.raw.on("close", () => live.end());
  const sub: Subscription = {
    scope: () => ({ ...current, types }),
    matches: (row: EventRow) =>
      (row.tenant_id === null
        ? current.includeUntenanted
        : tenants === undefined || tenants.has(row.tenant_id)) && typeMatches(types, row.type),
    deliver: (row, name) => {
      if (!closed && writer.queue(sseFrame(row, name))) uncounted++;
    },
    flush: () => writer.flush(),
    cursor: 0,
    live: false,
  };
  try {
    remove = await hub.subscribe(sub, afterSeq);
    if (live.ended) remove();
  } catch {
    live.end();
  }
}

/** The event log: a server-sent event stream (Accept: text/event-stream) or JSON pages. */
export const eventRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/events",
    summary:
      "Events you may see. With Accept: text/event-stream, a live stream (heartbeat comments; Last-Event-ID resumes); otherwise JSON pages. `topics=instance.*,tenant.*`",
    tag: "events",
    auth: "required",
    query: eventsQuery,
    produces: "text/event-stream",
    handler: async ({ services, caller, query, request, reply }) => {
      const { platform } = services;
      const scope = await eventScope(platform, caller.principal, query.tenant);
      const header = request.headers["last-event-id"];
      let afterSeq = query.lastEventId;
      if (typeof header === "string" && header !== "") {
        if (!/^\d{1,15}$/.test(header))
          throw new AimsError("invalid_input", "Last-Event-ID must be an event seq (a number)");
        afterSeq = Number(header);
      }
      if ((request.headers.accept ?? "").includes("text/event-stream")) {
        parseTopics(query.topics);
        await stream(services, caller, request, reply, scope, query, afterSeq);
        return undefined;
      }
      const rows = await listEventFeed(platform.store.db, {
        ...scope,
        types: parseTopics(query.topics),
        afterSeq: decodeCursor(query.cursor, "number") ?? afterSeq,
        limit: query.limit + 1,
      });
      const names = new Map(
        (await platform.store.db.selectFrom("tenants").select(["id", "name"]).execute()).map((t) => [
          t.id,
          t.name,
        ]),
      );
      return toPage(
        rows,
        query.limit,
        (r) => r.seq,
        (r) => toEventView(r, r.tenant_id ? (names.get(r.tenant_id) ?? null) : null),
      );
    },
  }),
];

import * as z from "zod";
import { LOG_TAIL_DEFAULT, logTailSchema } from "../../domain/instanceRequests.js";
import { logNoteLine } from "../../domain/logNotes.js";
import { streamInstanceLogs } from "../../lifecycle/streamInstanceLogs.js";
import { listEventFeed } from "../../store/eventFeed.js";
import { toEventView } from "../events/eventView.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { eventViewSchema } from "../responses/events.js";
import { pageOf } from "../responses/pages.js";
import { defineRoute } from "../route.js";
import { hookHeaders } from "../streams/streamHeaders.js";
import { instanceParams } from "./params.js";
import { requireInstanceFor, sameInstanceStill } from "./requireInstance.js";

const logsQuery = z.strictObject({
  tail: logTailSchema.default(LOG_TAIL_DEFAULT),
  follow: z.enum(["true", "false"]).default("false"),
});

/** An instance's logs (text) and its events (JSON pages). */
export const instanceStreamRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name/logs",
    summary:
      "Log lines of every container of the instance (text/plain; `follow=true` keeps streaming across restarts until the instance stops, with `aims: …` note lines)",
    tag: "instances",
    auth: "required",
    engine: "checks",
    params: instanceParams,
    query: logsQuery,
    produces: "text/plain",
    handler: async ({ services: { platform, streams }, caller, params, query, request, reply }) => {
      const { tenant, instance } = await requireInstanceFor(
        platform,
        caller,
        params.tenant,
        params.name,
        "instance.logs",
      );
      const follow = query.follow === "true";
      if (!follow) {
        const lines: string[] = [];
        const abort = new AbortController();
        await streamInstanceLogs(
          await platform.reconciler(),
          instance.id,
          { tail: query.tail, follow: false, signal: abort.signal },
          (l) => lines.push(l),
        );
        reply.type("text/plain; charset=utf-8");
        return lines.join("");
      }
      const abort = new AbortController();
      const raw = reply.raw;
      // Throws 429 (too many streams) before anything is sent.
      const live = streams.open({
        request,
        principal: caller.principal,
        tenantId: tenant.id,
        question: `logs ${params.tenant}/${params.name} ${instance.id}`,
        // The name may now belong to another instance: this stream followed the one that went away.
        authorise: sameInstanceStill(
          platform,
          caller,
          params.tenant,
          params.name,
          instance.id,
          "instance.logs",
        ),
        end: () => {
          abort.abort();
          raw.end();
        },
      });
      reply.hijack();
      raw.writeHead(200, {
        ...hookHeaders(reply),
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-store",
        "x-request-id": String(request.id),
      });
      // The status goes out now, not with the first log line (a quiet container may print none for long).
      raw.flushHeaders();
      request.raw.on("close", () => live.end());
      await streamInstanceLogs(
        await platform.reconciler(),
        instance.id,
        { tail: query.tail, follow: true, signal: abort.signal },
        (l) => {
          if (!live.ended) raw.write(l);
        },
        // In the text, on a line of its own: `aims: web-1 restarted; following the new container`.
        (message) => {
          if (!live.ended) raw.write(logNoteLine(message));
        },
      ).catch(() => undefined);
      live.end();
      return undefined;
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name/events",
    summary: "The instance's events, oldest first (cursor pages)",
    response: pageOf(eventViewSchema),
    tag: "instances",
    auth: "required",
    params: instanceParams,
    query: pageQuery,
    handler: async ({ services: { platform }, caller, params, query }) => {
      const { tenant, instance } = await requireInstanceFor(
        platform,
        caller,
        params.tenant,
        params.name,
        "event.read",
      );
      const rows = await listEventFeed(platform.store.db, {
        tenantIds: [tenant.id],
        includeUntenanted: false,
        types: null,
        subject: instance.id,
        afterSeq: decodeCursor(query.cursor, "number"),
        limit: query.limit + 1,
      });
      return toPage(
        rows,
        query.limit,
        (r) => r.seq,
        (r) => toEventView(r, tenant.name),
      );
    },
  }),
];

import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The headers hooks set on a reply (RateLimit-*, nosniff), for a stream that hijacks it: a hijacked reply sends
 * only what its `writeHead` is given. The stream's own headers go after these and win.
 */
export function hookHeaders(reply: FastifyReply): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) out[name] = value;
  return out;
}

/**
 * Takes over a reply for a server-sent event stream: the hooks' headers, the stream's own (no caching, no proxy
 * buffering) and the request id, sent at once. Returns the raw response to write frames to.
 */
export function startEventStream(request: FastifyRequest, reply: FastifyReply) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...hookHeaders(reply),
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-request-id": String(request.id),
  });
  return raw;
}

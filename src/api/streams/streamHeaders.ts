import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply } from "fastify";

/**
 * The headers hooks set on a reply (RateLimit-*, nosniff), for a stream that hijacks it: a hijacked reply sends
 * only what its `writeHead` is given. The stream's own headers go after these and win.
 */
export function hookHeaders(reply: FastifyReply): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) out[name] = value;
  return out;
}

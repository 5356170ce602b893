import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import type { AimsConfig } from "../config.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import type { Logger } from "../logger.js";
import type { ApiErrorBody } from "./errors.js";

/** Largest request body. */
export const BODY_LIMIT = 1024 * 1024;

/**
 * Most levels of `[` and `{` a JSON body may nest. Deeper bodies are refused before they are parsed, so nothing
 * that walks a body afterwards (the Idempotency-Key hash, zod) can run out of stack.
 */
export const MAX_JSON_DEPTH = 32;

/** True when the JSON text nests deeper than `limit`: one pass, no recursion; brackets inside strings do not count. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Fastify's options for how long a request may take: the whole request (headers and body) within
 * `api.requestTimeoutMs`, checked often enough to matter, and an idle connection closed after
 * `api.connectionTimeoutMs`. A client too slow gets 408 in the API's error shape.
 */
export function requestTimeouts(config: AimsConfig["api"], logger: Logger) {
  const { requestTimeoutMs, connectionTimeoutMs } = config;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    http: {
      // Node checks the request timeout every 30 s by default: a slow body would live up to 30 s longer.
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
      headersTimeout: Math.min(60_000, requestTimeoutMs),
    },
    clientErrorHandler(err: Error & { code?: string }, socket: Socket) {
      // A reset connection is gone: nothing to answer (https://nodejs.org/api/http.html#event-clienterror).
      if (err.code === "ECONNRESET" || socket.destroyed) return;
      const timedOut = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
      const status = timedOut ? 408 : err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
      const message = timedOut
        ? `the request was not received within ${requestTimeoutMs} ms (headers and body); send it at once`
        : status === 431
          ? "the request headers are too large"
          : "the request is not valid HTTP";
      const body: ApiErrorBody = { error: { code: "invalid_input", message }, requestId: `req_${newId()}` };
      logger.info({ request: body.requestId, status, code: err.code }, message);
      const text = JSON.stringify(body);
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
        );
      socket.destroy(err);
    },
  };
}

/** JSON bodies as fastify parses them (prototype poisoning refused), after a depth check. */
export function parseJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH))
      return done(
        new AimsError("invalid_input", `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
    parse(request, body as string, done);
  });
}

/** Media types of a YAML body (a compose file sent as it is): `POST /v1/tenants/{t}/plugs` takes one. */
export const YAML_MEDIA_TYPES = [
  "application/yaml",
  "application/x-yaml",
  "text/yaml",
  "text/x-yaml",
] as const;

/**
 * YAML bodies reach a route as text, unparsed: only a route whose body schema takes a string (compose import)
 * accepts one; any other route refuses it as it refuses any body that is not its JSON object.
 */
export function acceptYamlBodies(app: FastifyInstance): void {
  app.addContentTypeParser([...YAML_MEDIA_TYPES], { parseAs: "string" }, (_request, body, done) =>
    done(null, body),
  );
}

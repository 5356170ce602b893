import type { FastifyReply, FastifyRequest } from "fastify";
import type * as z from "zod";
import type { Platform } from "../platform.js";
import type { Caller } from "../tenancy/principal.js";
import type { EventHub } from "./events/eventHub.js";
import type { ApiMetrics } from "./metrics.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** What the server hands every route: the platform and the API's own services. */
export interface ApiServices {
  platform: Platform;
  hub: EventHub;
  metrics: ApiMetrics;
  /**
   * Enders of the open long-lived answers (event streams, followed logs): the server ends them when it closes,
   * so a shutdown never waits for clients to hang up (they reconnect, and Last-Event-ID resumes events).
   */
  streams: Set<() => void>;
}

/** The parsed request a handler sees. */
export interface RouteContext<P, Q, B, A extends Auth> {
  services: ApiServices;
  params: P;
  query: Q;
  body: B;
  caller: A extends "required" ? Caller : Caller | undefined;
  /** `api <client address>`: the source of audit entries. */
  source: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** `required`: a session or key; `optional`: used when given; `none`: public (health, login, docs). */
export type Auth = "required" | "optional" | "none";

type AnySchema = z.ZodType;

/**
 * One API route: method, path, schemas (zod) and a thin handler (parse → one operation → reply). The route
 * table drives registration, the OpenAPI document and the table-driven isolation and fuzz tests.
 */
export interface RouteSpec<
  P extends AnySchema = AnySchema,
  Q extends AnySchema = AnySchema,
  B extends AnySchema = AnySchema,
  A extends Auth = Auth,
> {
  method: HttpMethod;
  /** Fastify path syntax: `/v1/tenants/:tenant/instances/:name`. */
  url: string;
  summary: string;
  tag: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status (default 200). */
  status?: number;
  /** The response is a stream (SSE or text), not JSON. */
  produces?: "text/event-stream" | "text/plain" | "text/html" | "application/json";
  /** The answer holds a secret shown once (a new key, an invitation token): never stored for idempotent replay. */
  carriesSecret?: boolean;
  /** A valid request body/query, for docs and tests. */
  example?: { body?: unknown; query?: Record<string, string> };
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>, A>): Promise<unknown>;
}

/** Declares a route with its types inferred from its schemas. */
export function defineRoute<
  P extends AnySchema = z.ZodObject<Record<string, never>>,
  Q extends AnySchema = z.ZodObject<Record<string, never>>,
  B extends AnySchema = z.ZodUndefined,
  A extends Auth = "required",
>(spec: RouteSpec<P, Q, B, A>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** A handler's answer with a status other than the route's usual one (e.g. 200 for a dry run of a 201 route). */
export class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

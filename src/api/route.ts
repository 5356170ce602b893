import type { FastifyReply, FastifyRequest } from "fastify";
import type * as z from "zod";
import type { Interpret } from "../ai/intent/types.js";
import type { Platform } from "../platform.js";
import type { Caller } from "../tenancy/principal.js";
import type { EventHub } from "./events/eventHub.js";
import type { ApiMetrics } from "./metrics.js";
import type { LiveStreams } from "./streams/liveStreams.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** What the server hands every route: the platform and the API's own services. */
export interface ApiServices {
  platform: Platform;
  hub: EventHub;
  metrics: ApiMetrics;
  /**
   * The open long-lived answers (event streams, followed logs): capped per key and tenant, re-authorised at each
   * heartbeat and on access changes, and ended when the server closes (clients reconnect; Last-Event-ID resumes).
   */
  streams: LiveStreams;
  /** ACHEEVY's intent engine: the built-in one unless the server was given another (tests). */
  interpret(): Promise<Interpret>;
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

/** The groups of the API, each with the description its documentation shows. */
export const API_TAGS = {
  system: "Health, readiness, metrics and this description; public",
  people: "Signing in and out, users and passwords",
  tenants: "Tenants, their plans and usage, members and invitations",
  plans: "The plans a tenant can be on: limits, default resources, features and price",
  keys: "API keys: your own, and the service keys of a tenant; a key is shown once, when it is made",
  plugs:
    "The catalog of plugs that can be deployed (the same for every tenant), and each tenant's private plugs imported from Docker Compose files",
  instances: "Deployed plugs: deploy, read, act on (stop, start, scale, update, ...), logs and events",
  events: "The event log, as JSON pages or a live server-sent event stream",
  audit: "The hash-chained audit log: who did what, from where, and with what result",
  acheevy:
    "ACHEEVY, the AI operator: chat turns (server-sent events or one JSON object) and each person's conversations",
  alerts:
    "Alerts of a tenant's instances (OOM kills, crash loops, zombies, ...) and the channels they go to: signed webhooks and Telegram chats",
  approvals:
    "Approvals of what an AI actor asks for: nothing it proposes that changes something runs before a person who may decide says yes",
} as const;
export type ApiTag = keyof typeof API_TAGS;
/** What an `authorize` check sees: the caller and the parsed path, before anything else happens. */
export interface AuthorizeContext<P> {
  services: ApiServices;
  params: P;
  caller: Caller;
}

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
  tag: ApiTag;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The body as the OpenAPI document describes it, when `body` only passes it on to a schema chosen later (an
   * instance action parses its body with its own schema): the union of those schemas.
   */
  documentedBody?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
  /**
   * The JSON the success status answers with (src/api/responses/), for the OpenAPI document and the clients
   * generated from it (the dashboard's); each view's schema is checked against its TypeScript type.
   */
  response?: z.ZodType;
  /** Other successful answers (a dry run's 200 beside a deploy's 201), with what they mean. */
  alsoAnswers?: ReadonlyArray<{ status: number; description: string; response: z.ZodType }>;
  /** The body may also be sent as YAML text (application/yaml, text/yaml), which reaches the handler as a string. */
  yamlBody?: boolean;
  /** The response is a stream (SSE or text), not JSON. */
  produces?: "text/event-stream" | "text/plain" | "text/html" | "application/json" | "application/gzip";
  /**
   * How the route uses the container engine: `checks` asks whether it answers, `drives` waits while the
   * reconciler changes containers (the instance may then fail its health gate). Either can answer 503.
   */
  engine?: "checks" | "drives";
  /**
   * false: never rate limited (liveness, readiness, metrics: probes and Prometheus scrapes must not be refused).
   * Every other route spends a budget (src/api/rateBudget.ts) and can answer 429.
   */
  rateLimit?: false;
  /** The route can be refused by a quota (429 `quota_exceeded`): the tenant's plan (docs/plans.md), or tenants per user. */
  quota?: boolean;
  /** A public route that checks a password it is given (sign-in): a wrong one is 401. */
  checksCredentials?: boolean;
  /** The answer holds a secret shown once (a new key, an invitation token): never stored for idempotent replay. */
  carriesSecret?: boolean;
  /**
   * `account`: the route acts on the caller's whole account (keys, invitations, password, sessions) and needs the
   * account scope, which keys limited to a tenant, a role or scopes lack; checked before anything else.
   */
  scope?: "account";
  /**
   * Throws unless the caller may use the route here: runs after the path is parsed and before an
   * Idempotency-Key's stored answer is looked up, so a replay is authorised like the first request. Every
   * authenticated POST has this or `scope` (test/security-accounts.test.ts). The handler still authorises too.
   */
  authorize?(ctx: AuthorizeContext<z.output<P>>): unknown;
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

import cookie from "@fastify/cookie";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import * as z from "zod";
import type { Interpret } from "../ai/intent/types.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import type { Platform } from "../platform.js";
import { ensureOperatorAccount, type OperatorAccount } from "../tenancy/operatorAccount.js";
import { ensureOperatorKey } from "../tenancy/operatorKey.js";
import { type Caller, requireAccount } from "../tenancy/principal.js";
import { authenticateOnce, authenticateRequest } from "./auth.js";
import { sendDashboardPage, serveDashboard, wantsDashboardPage } from "./dashboard.js";
import { recordDenial } from "./denials.js";
import { sendError } from "./errors.js";
import { EventHub } from "./events/eventHub.js";
import { idempotent } from "./idempotency.js";
import { type ApiMetrics, createApiMetrics } from "./metrics.js";
import { type RateLimiters, registerRateLimits } from "./rateLimits.js";
import { acceptYamlBodies, BODY_LIMIT, parseJsonBodies, requestTimeouts } from "./requestLimits.js";
import { Answer, type ApiServices, type RouteSpec } from "./route.js";
import { apiRoutes } from "./routes/index.js";
import { lazySchemaCompilers } from "./schemaCompilers.js";
import { LiveStreams } from "./streams/liveStreams.js";
import { parseRequestPart } from "./validation.js";

export { ensureOperatorKey };

export interface ApiServerOptions {
  /** Routes to serve (default: every route of the API); tests may add their own. */
  routes?: readonly RouteSpec[];
  /** The built dashboard to serve at `/` (default: dist/web when it was built); false for the API alone. */
  dashboard?: string | false;
  /** ACHEEVY's intent engine (default: the built-in one, loaded on the first chat turn). */
  interpret?: Interpret;
  /**
   * Tests: told of every JSON answer that does not match its route's documented schema (what the dashboard's
   * generated types promise), so a view that drifts from its schema fails the test that made the call.
   */
  onAnswerMismatch?: (mismatch: string) => void;
}

/** The API's services for code that runs beside it (the reconciler observes `metrics.reconcileDuration`). */
export interface ApiServer extends FastifyInstance {
  aims: ApiServices;
  /** True when the built dashboard is served at `/`. */
  servesDashboard: boolean;
}

/**
 * Builds the HTTP API over a platform, without listening: tests call `app.inject()`, `startApiServer` listens.
 * @example const app = await createApiServer(platform); const res = await app.inject({ url: "/healthz" });
 */
export async function createApiServer(
  platform: Platform,
  options: ApiServerOptions = {},
): Promise<ApiServer> {
  const config = platform.config.api;
  const app = Fastify({
    loggerInstance: platform.logger,
    // One line per request from the onResponse hook below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    ...requestTimeouts(config, platform.logger),
    trustProxy: config.trustProxy,
    genReqId: () => `req_${newId()}`,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors the router raises before any route runs (URI too long, bad URL encoding) get the one error shape too.
    frameworkErrors: (err, request, reply) => sendError(err, request, reply, platform.logger),
    schemaController: { compilersFactory: lazySchemaCompilers },
  }) as unknown as ApiServer;
  const metrics: ApiMetrics = createApiMetrics(platform);
  const hub = new EventHub(platform.store.db, { pollMs: config.eventPollMs });
  const streams = new LiveStreams({
    heartbeatMs: config.sseHeartbeatMs,
    maxPerKey: config.maxStreamsPerKey,
    maxPerTenant: config.maxStreamsPerTenant,
    authenticate: (request) => authenticateRequest(platform.store.db, request),
  });
  // Revocations, removals and demotions made through this server re-check its streams before they answer.
  const unsubscribe = platform.accessChanges.subscribe((change) => streams.accessChanged(change));
  const services: ApiServices = {
    platform,
    hub,
    metrics,
    streams,
    interpret: async () => options.interpret ?? (await import("../ai/chat/engine.js")).builtInEngine(),
  };
  app.decorate("aims", services);
  await app.register(cookie);
  parseJsonBodies(app);
  acceptYamlBodies(app);

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    reply.header("x-content-type-options", "nosniff");
    reply.header("cache-control", "no-store");
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    platform.logger.info(
      {
        request: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  });
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply, platform.logger));
  const dashboard = options.dashboard === false ? undefined : await serveDashboard(app, options.dashboard);
  app.setNotFoundHandler((request, reply) =>
    dashboard && wantsDashboardPage(request)
      ? sendDashboardPage(reply, dashboard)
      : sendError(
          new AimsError("not_found", `no route ${request.method} ${request.url.split("?")[0]}`),
          request,
          reply,
          platform.logger,
        ),
  );
  // Before the server waits for its connections to end: end the ones that never would by themselves.
  app.addHook("preClose", async () => streams.endAll());
  app.addHook("onClose", async () => {
    unsubscribe();
    streams.close();
    hub.close();
  });

  const limiters = await registerRateLimits(app, platform);
  for (const spec of options.routes ?? apiRoutes)
    register(app, services, spec, limiters, options.onAnswerMismatch);
  app.decorate("servesDashboard", dashboard !== undefined);
  return app;
}

/** Reports an answer that its route's documented schema (for that status) does not describe. */
function checkAnswer(
  spec: RouteSpec,
  status: number,
  body: unknown,
  report: (mismatch: string) => void,
): void {
  const schema =
    status === (spec.status ?? 200)
      ? spec.response
      : spec.alsoAnswers?.find((a) => a.status === status)?.response;
  if (!schema) return;
  // What the client reads is the JSON, not the object (dates, undefined fields).
  const parsed = schema.safeParse(JSON.parse(JSON.stringify(body ?? null)));
  if (!parsed.success)
    report(
      `${spec.method} ${spec.url} answered ${status} with a body its schema does not describe: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
        .join("; ")}`,
    );
}

/** The query of a route that takes none: any parameter is refused, as an unknown body field is. */
const NO_QUERY = z.strictObject({});

function register(
  app: FastifyInstance,
  services: ApiServices,
  spec: RouteSpec,
  limiters: RateLimiters | undefined,
  onAnswerMismatch: ((mismatch: string) => void) | undefined,
): void {
  const { platform } = services;
  const limiter =
    limiters && spec.rateLimit !== false
      ? limiters[spec.auth === "none" ? "public" : "authenticated"]
      : undefined;
  app.route({
    method: spec.method,
    url: spec.url,
    ...(limiter ? { onRequest: limiter } : {}),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const source = `api ${request.ip}`;
      let caller: Caller | undefined;
      if (spec.auth !== "none") {
        const principal = await authenticateOnce(platform.store.db, request);
        if (!principal && spec.auth === "required")
          throw new AimsError(
            "unauthorized",
            "sign in (session cookie) or send Authorization: Bearer <API key>",
          );
        caller = principal ? { principal, source } : undefined;
      }
      try {
        if (caller && spec.scope === "account")
          requireAccount(caller.principal, `${spec.method} ${spec.url}`);
        const params = parseRequestPart(spec.params, request.params, "path");
        const query = parseRequestPart(spec.query ?? NO_QUERY, request.query, "query");
        const body = parseRequestPart(spec.body, spec.body ? (request.body ?? {}) : undefined, "body");
        // Before the Idempotency-Key lookup: someone who lost access gets no stored answer either.
        if (caller && spec.authorize) await spec.authorize({ services, params, caller });
        const run = async () => {
          const result: unknown = await spec.handler({
            services,
            params,
            query,
            body,
            caller: caller as Caller,
            source,
            request,
            reply,
          });
          if (result instanceof Answer) return { status: result.status, body: result.body };
          return { status: spec.status ?? (result === undefined ? 204 : 200), body: result };
        };
        const answer =
          spec.method === "POST" && caller
            ? await idempotent(
                platform.store.db,
                request,
                caller.principal.actor,
                { carriesSecret: Boolean(spec.carriesSecret) },
                run,
              )
            : { ...(await run()), replayed: false };
        if (reply.sent) return reply;
        if (answer.replayed) reply.header("idempotent-replayed", "true");
        if (spec.method !== "GET") services.hub.nudge();
        if (answer.status === 204) return reply.status(204).send();
        if (onAnswerMismatch) checkAnswer(spec, answer.status, answer.body, onAnswerMismatch);
        return reply.status(answer.status).send(answer.body);
      } catch (err) {
        if (caller && spec.method !== "GET") await recordDenial(platform, caller, spec, request, err);
        throw err;
      }
    },
  });
}

/**
 * Creates the operator key and the operator's dashboard account if needed, builds the API and listens on the
 * configured host and port.
 * @example const api = await startApiServer(platform); console.log(api.url); await api.close();
 */
export async function startApiServer(
  platform: Platform,
  options: ApiServerOptions = {},
): Promise<{ url: string; app: ApiServer; operatorAccount: OperatorAccount; close(): Promise<void> }> {
  await ensureOperatorKey(platform);
  const operatorAccount = await ensureOperatorAccount(platform);
  const app = await createApiServer(platform, options);
  const { host, port } = platform.config.api;
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${shownHost}:${bound}`, app, operatorAccount, close: () => app.close() };
}

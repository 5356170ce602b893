import { sql } from "kysely";
import { AimsError } from "../../domain/errors.js";
import { isMetricsToken } from "../instanceSeries.js";
import { openApiDocumentSchema, statusSchema } from "../responses/system.js";
import { defineRoute, type RouteSpec } from "../route.js";

/** The OpenAPI generator, loaded on the first GET /openapi.json or /docs (it builds the document once). */
const openApi = () => import("../openapi.js");

/**
 * Health, readiness, metrics and the API's own description. The description documents `table()`, the
 * whole route table, which is handed in because the table is built from these routes too.
 */
export const systemRoutes = (table: () => readonly RouteSpec[]) => [
  defineRoute({
    method: "GET",
    url: "/healthz",
    summary: "Liveness: the process answers",
    tag: "system",
    auth: "none",
    rateLimit: false,
    response: statusSchema,
    handler: async () => ({ status: "ok" }),
  }),
  defineRoute({
    method: "GET",
    url: "/readyz",
    summary: "Readiness: the store and the container engine answer",
    tag: "system",
    auth: "none",
    rateLimit: false,
    engine: "checks",
    response: statusSchema,
    handler: async ({ services: { platform } }) => {
      try {
        await sql`select 1`.execute(platform.store.db);
      } catch {
        throw new AimsError("unavailable", "the store does not answer");
      }
      await platform.checkEngine();
      return { status: "ready" };
    },
  }),
  defineRoute({
    method: "GET",
    url: "/metrics",
    summary:
      "Prometheus metrics (HTTP latency, instances by state, deploy, reconcile and sample durations, port pool); with a metrics token (a key with scope `metrics:read`), also each instance's resources by tenant, instance and service",
    tag: "system",
    auth: "optional",
    rateLimit: false,
    produces: "text/plain",
    handler: async ({ services: { metrics, platform }, caller, reply }) => {
      reply.type(metrics.registry.contentType);
      const text = await metrics.registry.metrics();
      // Tenant and instance names only for a metrics token: without one, /metrics names no tenant.
      if (!platform.config.monitor.instanceSeries || !isMetricsToken(caller?.principal)) return text;
      return `${text}${await metrics.instanceSeries.metrics()}`;
    },
  }),
  defineRoute({
    method: "GET",
    url: "/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    tag: "system",
    auth: "none",
    response: openApiDocumentSchema,
    handler: async () => (await openApi()).buildOpenApi(table()),
  }),
  defineRoute({
    method: "GET",
    url: "/docs",
    summary: "A readable page of every route",
    tag: "system",
    auth: "none",
    produces: "text/html",
    handler: async ({ reply }) => {
      reply.type("text/html; charset=utf-8");
      reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
      const { buildOpenApi, renderDocsPage } = await openApi();
      return renderDocsPage(buildOpenApi(table()));
    },
  }),
];

import * as z from "zod";
import { ERROR_BODY_CODES } from "../domain/errors.js";
import {
  ERROR_RESPONSES,
  type ErrorResponseName,
  errorResponseObject,
  errorResponsesOf,
  RATE_LIMIT_HEADERS,
  RETRY_AFTER_HEADER,
  rateLimitHeaderRefs,
} from "./errorResponses.js";
import { responseSchemas } from "./responses/named.js";
import { API_TAGS, type RouteSpec } from "./route.js";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

/**
 * The JSON Schema of an answer: named schemas (src/api/responses/named.ts) go to `components.schemas` once,
 * and are referred to from there.
 */
function responseSchema(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
  const {
    $schema: _drop,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, {
    io: "output",
    unrepresentable: "any",
    metadata: responseSchemas,
  }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const toComponents = (value: JsonSchema): JsonSchema =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = toComponents(def);
  return toComponents(rest);
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const s = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

const errorSchema = {
  type: "object",
  required: ["error", "requestId"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ERROR_BODY_CODES },
        message: { type: "string", description: "what went wrong, in words a person can act on" },
      },
    },
    requestId: { type: "string", description: "the id under which the server logged this request" },
  },
};

const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "a retry under the same key within a day gets the first answer again",
  schema: { type: "string", maxLength: 200 },
};

/** `getV1TenantsTenantInstances` for GET /v1/tenants/{tenant}/instances. */
function operationId(method: string, path: string): string {
  const words = path
    .replace(/[{}]/g, "")
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase());
  return `${method.toLowerCase()}${words}`;
}

function operation(
  route: RouteSpec,
  path: string,
  used: Set<ErrorResponseName>,
  components: Record<string, JsonSchema>,
) {
  const json = (schema: z.ZodType | undefined) => ({
    "application/json": schema ? { schema: responseSchema(schema, components) } : {},
  });
  // A stream that also answers in JSON (a chat turn without Accept: text/event-stream) documents both.
  const content =
    route.produces && route.produces !== "application/json"
      ? { ...(route.response ? json(route.response) : {}), [route.produces]: {} }
      : json(route.response);
  const errors = errorResponsesOf(route);
  for (const name of errors) used.add(name);
  return {
    summary: route.summary,
    tags: [route.tag],
    // Needs the account scope: a session or an unrestricted key of the user (docs/api.md).
    ...(route.scope ? { "x-aims-scope": route.scope } : {}),
    operationId: operationId(route.method, path),
    parameters: [
      ...parameters(route.params, "path"),
      ...parameters(route.query, "query"),
      ...(route.method === "POST" && route.auth !== "none" ? [idempotencyKey] : []),
    ],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: jsonSchema(route.documentedBody ?? route.body),
                ...(route.example?.body !== undefined ? { example: route.example.body } : {}),
              },
              ...(route.yamlBody
                ? {
                    "application/yaml": {
                      schema: { type: "string", description: "the file as it is (text/yaml is taken too)" },
                    },
                  }
                : {}),
            },
          },
        }
      : {}),
    responses: {
      [String(route.status ?? 200)]: {
        ...(route.status === 204 ? { description: "done; no content" } : { description: "success", content }),
        ...(route.rateLimit !== false ? { headers: rateLimitHeaderRefs() } : {}),
      },
      ...Object.fromEntries(
        (route.alsoAnswers ?? []).map((a) => [
          String(a.status),
          { description: a.description, content: json(a.response) },
        ]),
      ),
      ...Object.fromEntries(
        errors.map((name) => [
          String(ERROR_RESPONSES[name].status),
          { $ref: `#/components/responses/${name}` },
        ]),
      ),
      default: { $ref: "#/components/responses/Unexpected" },
    },
    security:
      route.auth === "none"
        ? []
        : route.auth === "optional"
          ? [{}, { bearer: [] }, { session: [] }]
          : [{ bearer: [] }, { session: [] }],
  };
}

let cached: { routes: readonly RouteSpec[]; doc: JsonSchema } | undefined;

/** The OpenAPI 3.1 document, generated from the route table: schemas from its zod, errors from its properties. */
export function buildOpenApi(routes: readonly RouteSpec[]): JsonSchema {
  if (cached?.routes === routes) return cached.doc;
  const paths: Record<string, Record<string, unknown>> = {};
  const used = new Set<ErrorResponseName>(["Unexpected"]);
  const schemas: Record<string, JsonSchema> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, path, used, schemas);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name, description: API_TAGS[name] }));
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "AIMS control-plane API",
      version: "1",
      description:
        "Programs send `Authorization: Bearer aims_…`; browsers sign in (POST /v1/sessions) and echo the CSRF token in X-CSRF-Token on every change. Another tenant's objects answer 404. Routes marked x-aims-scope: account (keys, invitation acceptance, password, sessions) refuse keys limited to a tenant, a role or scopes (403). Requests are rate limited per credential (a tenant's routes on the tenant's plan): answers carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, and a spent budget answers 429 rate_limited with Retry-After; /healthz, /readyz and /metrics are never limited. Failed sign-ins are throttled: 429 with Retry-After.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/", description: "the AIMS that serves this document" }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "an API key (aims_…)" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "__Host-aims_session",
          description: "set by POST /v1/sessions; named aims_session when api.secureCookies is false",
        },
      },
      schemas: {
        Error: errorSchema,
        ...Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      },
      headers: { ...RATE_LIMIT_HEADERS, "Retry-After": RETRY_AFTER_HEADER },
      responses: Object.fromEntries(
        Object.keys(ERROR_RESPONSES)
          .filter((name) => used.has(name as ErrorResponseName))
          .map((name) => [name, errorResponseObject(name as ErrorResponseName)]),
      ),
    },
  };
  cached = { routes, doc };
  return doc;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML page listing every route (no scripts, no external assets). */
export function renderDocsPage(doc: JsonSchema): string {
  const paths = doc.paths as Record<
    string,
    Record<
      string,
      {
        summary: string;
        tags: string[];
        parameters: Array<{ name: string; in: string }>;
        requestBody?: unknown;
      }
    >
  >;
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(
      ([method, op]) =>
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.tags[0] ?? "")}</td><td>${escapeHtml(op.summary)}${
          op.parameters.length
            ? `<br><small>${op.parameters.map((p) => `${escapeHtml(p.name)} (${p.in})`).join(", ")}</small>`
            : ""
        }</td></tr>`,
    ),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AIMS API</title><style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{font-size:13px}</style></head>
<body><h1>AIMS control-plane API</h1><p>${escapeHtml(String((doc.info as { description: string }).description))}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors: <code>{"error":{"code","message"},"requestId"}</code>.</p>
<table><tr><th>method</th><th>path</th><th>group</th><th>what</th></tr>${rows.join("\n")}</table></body></html>`;
}

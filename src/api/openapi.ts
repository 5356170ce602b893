import * as z from "zod";
import type { RouteSpec } from "./route.js";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
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
        code: {
          type: "string",
          enum: [
            "invalid_input",
            "unauthorized",
            "not_found",
            "conflict",
            "quota_exceeded",
            "forbidden",
            "unavailable",
            "failed",
            "internal",
          ],
        },
        message: { type: "string" },
      },
    },
    requestId: { type: "string" },
  },
};

let cached: { routes: readonly RouteSpec[]; doc: JsonSchema } | undefined;

/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
export function buildOpenApi(routes: readonly RouteSpec[]): JsonSchema {
  if (cached?.routes === routes) return cached.doc;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, "{$1}");
    const status = String(route.status ?? 200);
    const content =
      route.produces && route.produces !== "application/json"
        ? { [route.produces]: {} }
        : { "application/json": {} };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
      parameters: [
        ...parameters(route.params, "path"),
        ...parameters(route.query, "query"),
        ...(route.method === "POST" && route.auth !== "none"
          ? [
              {
                name: "Idempotency-Key",
                in: "header",
                required: false,
                schema: { type: "string", maxLength: 200 },
              },
            ]
          : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: jsonSchema(route.body),
                  ...(route.example?.body !== undefined ? { example: route.example.body } : {}),
                },
              },
            },
          }
        : {}),
      responses: {
        [status]: { description: "success", content },
        default: {
          description: "error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
      security:
        route.auth === "none"
          ? []
          : route.auth === "optional"
            ? [{}, { bearer: [] }, { session: [] }]
            : [{ bearer: [] }, { session: [] }],
    };
  }
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "AIMS control-plane API",
      version: "1",
      description:
        "Programs send `Authorization: Bearer aims_…`; browsers sign in (POST /v1/sessions) and echo the CSRF token in X-CSRF-Token on every change. Another tenant's objects answer 404.",
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "an API key (aims_…)" },
        session: { type: "apiKey", in: "cookie", name: "aims_session" },
      },
      schemas: { Error: errorSchema },
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

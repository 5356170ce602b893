import * as z from "zod";
import { ERROR_CODES, UNEXPECTED_ERROR } from "../domain/errors.js";
import { BODY_LIMIT } from "./requestLimits.js";
import type { RouteSpec } from "./route.js";

/** One documented error answer: its status, the codes its body can carry and what it means. */
interface ErrorResponse {
  status: number;
  codes: readonly string[];
  description: string;
}

const fromCode = (code: keyof typeof ERROR_CODES): ErrorResponse => ({
  status: ERROR_CODES[code].status,
  codes: [code],
  description: ERROR_CODES[code].meaning,
});

/** Every error answer of the API, named as `#/components/responses/<name>`. */
export const ERROR_RESPONSES = {
  InvalidInput: fromCode("invalid_input"),
  Unauthorized: fromCode("unauthorized"),
  Forbidden: fromCode("forbidden"),
  NotFound: fromCode("not_found"),
  Conflict: fromCode("conflict"),
  QuotaExceeded: fromCode("quota_exceeded"),
  BodyTooLarge: {
    status: 413,
    codes: ["invalid_input"],
    description: `the request body is larger than ${BODY_LIMIT / 1024} KiB`,
  },
  UnsupportedMediaType: {
    status: 415,
    codes: ["invalid_input"],
    description: "the request body is not sent as application/json",
  },
  // An unexpected error is a 500 too, so the documented 500 of a route that drives the engine names both.
  Failed: {
    status: ERROR_CODES.failed.status,
    codes: ["failed", UNEXPECTED_ERROR.code],
    description: `${ERROR_CODES.failed.meaning}, or ${UNEXPECTED_ERROR.meaning}`,
  },
  Unavailable: fromCode("unavailable"),
  RateLimited: fromCode("rate_limited"),
  Unexpected: {
    status: UNEXPECTED_ERROR.status,
    codes: [UNEXPECTED_ERROR.code],
    description: UNEXPECTED_ERROR.meaning,
  },
} as const satisfies Record<string, ErrorResponse>;
export type ErrorResponseName = keyof typeof ERROR_RESPONSES;

/** Fields of a query or body that name something that must exist (and be visible to the caller). */
const NAMING_FIELDS = ["tenant", "plug", "token"];

function fieldsOf(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/**
 * The error answers a route can give, read from the route table rather than listed per route: every route
 * checks its path, query and body (400); a body can be too large or not JSON (413, 415); a credential can be
 * missing or wrong (401) and a role too weak (403); whatever the path (or a `tenant`, `plug` or `token` field)
 * names may not exist (404); a POST under an Idempotency-Key, or a change inside a tenant, can meet a state
 * that refuses it (409); the container engine may not answer (503), and an instance may fail its health
 * gate (500). Routes that check a password answer 429 after repeated failures; routes marked `quota` answer
 * 429 `quota_exceeded` when a cap is reached.
 */
export function errorResponsesOf(route: RouteSpec): ErrorResponseName[] {
  const names: ErrorResponseName[] = ["InvalidInput"];
  if (route.body) names.push("BodyTooLarge", "UnsupportedMediaType");
  if (route.auth !== "none" || route.checksCredentials) names.push("Unauthorized");
  if (route.auth !== "none") names.push("Forbidden");
  const named = [...fieldsOf(route.query), ...fieldsOf(route.body)].some((f) => NAMING_FIELDS.includes(f));
  if (route.url.includes("/:") || named) names.push("NotFound");
  const idempotent = route.method === "POST" && route.auth !== "none";
  if (route.method !== "GET" && (idempotent || route.url.includes("/:tenant"))) names.push("Conflict");
  if (route.engine === "drives") names.push("Failed");
  if (route.engine) names.push("Unavailable");
  // Routes that check a password are throttled after repeated failures (src/tenancy/passwordAttempts.ts).
  if (route.checksCredentials) names.push("RateLimited");
  if (route.quota) names.push("QuotaExceeded");
  return names.sort((a, b) => ERROR_RESPONSES[a].status - ERROR_RESPONSES[b].status);
}

/** The OpenAPI response object of one error answer: the one error schema, its code narrowed to the answer's. */
export function errorResponseObject(name: ErrorResponseName) {
  const { codes, description } = ERROR_RESPONSES[name];
  return {
    description: `${description} (code ${codes.join(" or ")})`,
    content: {
      "application/json": {
        schema: {
          allOf: [
            { $ref: "#/components/schemas/Error" },
            {
              type: "object",
              properties: { error: { type: "object", properties: { code: { enum: codes } } } },
            },
          ],
        },
      },
    },
  };
}

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
  QuotaExceeded: fromCode("quota_exceeded"),
  // One status, two codes: a route that is both throttled and checks a plan documents them as one answer.
  QuotaExceededOrRateLimited: {
    status: ERROR_CODES.quota_exceeded.status,
    codes: ["quota_exceeded", "rate_limited"],
    description: `${ERROR_CODES.quota_exceeded.meaning}, or ${ERROR_CODES.rate_limited.meaning}`,
  },
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
 * gate (500). Every route but health, readiness and metrics is rate limited (429, src/api/rateBudget.ts);
 * routes that check a password also answer 429 after repeated failures, and routes that check the tenant's
 * plan answer 429 quota_exceeded over one of its limits.
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
  // Rate limited (src/api/rateLimits.ts); routes that check a password are also throttled after repeated
  // failures (src/tenancy/passwordAttempts.ts); routes that check a plan answer quota_exceeded with the same status.
  const limited = route.rateLimit !== false || route.checksCredentials;
  if (limited && route.quota) names.push("QuotaExceededOrRateLimited");
  else if (limited) names.push("RateLimited");
  else if (route.quota) names.push("QuotaExceeded");
  return names.sort((a, b) => ERROR_RESPONSES[a].status - ERROR_RESPONSES[b].status);
}

/** The IETF draft's rate-limit headers, as `#/components/headers/<name>`: on every answer of a limited route. */
export const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": {
    description: "requests the budget this request spent allows in the current window",
    schema: { type: "integer", minimum: 0 },
  },
  "RateLimit-Remaining": {
    description: "requests left in the current window",
    schema: { type: "integer", minimum: 0 },
  },
  "RateLimit-Reset": {
    description: "seconds until the current window ends and the budget is whole again",
    schema: { type: "integer", minimum: 0 },
  },
} as const;

/** `Retry-After` on a 429: seconds to wait before the next attempt can succeed. */
export const RETRY_AFTER_HEADER = {
  description: "seconds to wait before trying again",
  schema: { type: "integer", minimum: 1 },
} as const;

/** References to the rate-limit headers, for a response object's `headers`. */
export function rateLimitHeaderRefs(): Record<string, { $ref: string }> {
  return Object.fromEntries(
    Object.keys(RATE_LIMIT_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
  );
}

/** The OpenAPI response object of one error answer: the one error schema, its code narrowed to the answer's. */
export function errorResponseObject(name: ErrorResponseName) {
  const { codes, description } = ERROR_RESPONSES[name];
  return {
    description: `${description} (code ${codes.join(" or ")})`,
    ...(name === "RateLimited" || name === "QuotaExceededOrRateLimited"
      ? { headers: { "Retry-After": { $ref: "#/components/headers/Retry-After" }, ...rateLimitHeaderRefs() } }
      : {}),
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

/**
 * The one list of expected failure codes: each with the HTTP status the API answers, the exit code the CLI
 * ends with, and what it means to the person who gets it. The API, its OpenAPI document, the CLI's remote
 * client and its exit codes all read this table.
 */
export const ERROR_CODES = {
  invalid_input: {
    status: 400,
    exitCode: 2,
    meaning: "the request is not valid; the message names each field",
  },
  unauthorized: {
    status: 401,
    exitCode: 7,
    meaning: "no credential, or one that is unknown, revoked or expired",
  },
  forbidden: { status: 403, exitCode: 7, meaning: "your role or key does not allow this" },
  not_found: { status: 404, exitCode: 3, meaning: "nothing by that name that you can see" },
  conflict: {
    status: 409,
    exitCode: 4,
    meaning: "the current state does not allow this; the message says why",
  },
  quota_exceeded: {
    status: 429,
    exitCode: 5,
    meaning:
      "a limit is reached: of the tenant's plan, or of open streams; the message names it and how to get more",
  },
  rate_limited: {
    status: 429,
    exitCode: 5,
    meaning: "too many attempts or requests; wait as long as Retry-After says",
  },
  unavailable: { status: 503, exitCode: 6, meaning: "something this needs does not answer; retry later" },
  failed: { status: 500, exitCode: 8, meaning: "the work was done but did not succeed (e.g. a health gate)" },
} as const satisfies Record<string, { status: number; exitCode: number; meaning: string }>;

/** The expected failure codes every entry (CLI, API) maps to one JSON error shape. */
export type AimsErrorCode = keyof typeof ERROR_CODES;

/** What an unexpected error reads as: a 500 (exit 1) that says nothing about internals. */
export const UNEXPECTED_ERROR = {
  code: "internal",
  status: 500,
  exitCode: 1,
  meaning: "an unexpected error; the server's log has the details under the request id",
} as const;

/** Every code an error body can carry: the expected ones, then `internal`. */
export const ERROR_BODY_CODES: readonly (AimsErrorCode | typeof UNEXPECTED_ERROR.code)[] = [
  ...(Object.keys(ERROR_CODES) as AimsErrorCode[]),
  UNEXPECTED_ERROR.code,
];

/** True when `value` is one of the expected failure codes (e.g. read back from an API answer). */
export function isAimsErrorCode(value: unknown): value is AimsErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/**
 * An expected error: a code, a message a person can act on, and the HTTP status it maps to. `cause`
 * (the underlying error) is logged, never returned to a client; `retryAfterSeconds` (a `rate_limited` wait)
 * becomes the `Retry-After` header.
 * @example throw new AimsError("unavailable", "the registry did not answer", undefined, { cause: err })
 */
export class AimsError extends Error {
  readonly code: AimsErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: AimsErrorCode,
    message: string,
    status?: number,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AimsError";
    this.code = code;
    this.status = status ?? ERROR_CODES[code].status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The one JSON shape every entry uses for an error. */
export interface ErrorBody {
  error: { code: AimsErrorCode | typeof UNEXPECTED_ERROR.code; message: string };
}

/** Shapes any thrown value into the JSON error body; unexpected errors say nothing about internals. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AimsError) return { error: { code: err.code, message: err.message } };
  return { error: { code: UNEXPECTED_ERROR.code, message: "internal error" } };
}

/** The exit code of the CLI for an error: the code's own for an AimsError, 1 for anything else. */
export function exitCodeOf(err: unknown): number {
  return err instanceof AimsError ? ERROR_CODES[err.code].exitCode : UNEXPECTED_ERROR.exitCode;
}

/** True when the value is an AimsError with the given code. */
export function isAimsError(err: unknown, code?: AimsErrorCode): err is AimsError {
  return err instanceof AimsError && (code === undefined || err.code === code);
}

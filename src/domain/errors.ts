/** The expected failure codes every entry (CLI, API) maps to one JSON error shape. */
export type AimsErrorCode =
  | "invalid_input"
  | "unauthorized"
  | "not_found"
  | "conflict"
  | "quota_exceeded"
  | "rate_limited"
  | "forbidden"
  | "unavailable"
  | "failed";

const defaultStatus: Record<AimsErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 429,
  rate_limited: 429,
  forbidden: 403,
  unavailable: 503,
  failed: 500,
};

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
    this.status = status ?? defaultStatus[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The one JSON shape every entry uses for an error. */
export interface ErrorBody {
  error: { code: AimsErrorCode | "internal"; message: string };
}

/** Shapes any thrown value into the JSON error body; unexpected errors say nothing about internals. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AimsError) return { error: { code: err.code, message: err.message } };
  return { error: { code: "internal", message: "internal error" } };
}

/** True when the value is an AimsError with the given code. */
export function isAimsError(err: unknown, code?: AimsErrorCode): err is AimsError {
  return err instanceof AimsError && (code === undefined || err.code === code);
}

import type { components } from "./schema";

type ErrorBody = components["schemas"]["Error"];

/** An error the API answered, with its message in the API's own words. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as ErrorBody | undefined)?.error;
  return typeof error?.message === "string" && typeof error.code === "string";
}

/** The ApiError for an answer that is not a success (the API's message, or the status when it gave none). */
export function apiErrorOf(body: unknown, response: Response): ApiError {
  if (isErrorBody(body)) {
    const internal = body.error.code === "internal";
    return new ApiError(
      internal ? `${body.error.message} (request ${body.requestId})` : body.error.message,
      body.error.code,
      response.status,
      body.requestId,
    );
  }
  return new ApiError(`AIMS answered HTTP ${response.status}`, "unexpected", response.status);
}

/**
 * The data of a successful answer, or the API's error thrown as an ApiError.
 * @example const me = await must(api.GET("/v1/users/me"));
 */
export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let answer: Awaited<typeof call>;
  try {
    answer = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("cannot reach AIMS: check that `aims serve` is running", "unavailable", 0);
  }
  if (answer.error !== undefined || !answer.response.ok) throw apiErrorOf(answer.error, answer.response);
  return answer.data as NonNullable<T>;
}

/** A message for any error: the API's words for an ApiError. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

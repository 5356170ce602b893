import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AimsError, type ErrorBody, toErrorBody } from "../domain/errors.js";
import type { Logger } from "../logger.js";

/** The one JSON error shape of the API: the domain error body plus the request id to quote in a report. */
export type ApiErrorBody = ErrorBody & { requestId: string };

/** Fastify's own 4xx errors (bad JSON, wrong content type, body too large) as AimsErrors with a usable message. */
function fromFastifyError(err: FastifyError): AimsError | undefined {
  const status = err.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 404) return new AimsError("not_found", err.message, 404);
  if (status === 413) return new AimsError("invalid_input", "request body is too large", 413);
  if (status === 415) return new AimsError("invalid_input", "send request bodies as application/json", 415);
  const message =
    err.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
      ? "the body is empty but the content type says JSON; send {} or no content type"
      : err instanceof SyntaxError || /JSON/.test(err.message)
        ? "the request body is not valid JSON"
        : err.message.slice(0, 200);
  return new AimsError("invalid_input", message, status);
}

/** Maps anything thrown to the error shape: expected errors say what to do, others are a 500 with no internals. */
export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const expected = err instanceof AimsError ? err : fromFastifyError(err as FastifyError);
  const body: ApiErrorBody = { ...toErrorBody(expected ?? err), requestId: String(request.id) };
  if (expected) {
    logger.info(
      {
        request: request.id,
        code: expected.code,
        status: expected.status,
        ...(expected.cause !== undefined ? { cause: errorSummary(expected.cause) } : {}),
      },
      expected.message,
    );
    if (expected.code === "unauthorized") reply.header("www-authenticate", 'Bearer realm="aims"');
    if (expected.retryAfterSeconds !== undefined)
      reply.header("retry-after", String(expected.retryAfterSeconds));
    void reply.status(expected.status).send(body);
    return;
  }
  logger.error(
    { request: request.id, method: request.method, route: request.routeOptions.url, err: errorSummary(err) },
    "unexpected error answering a request",
  );
  void reply.status(500).send(body);
}

/** Name and message of an unexpected error (the stack goes to the log only, never to the client). */
function errorSummary(err: unknown) {
  return err instanceof Error
    ? { name: err.name, message: err.message, stack: err.stack }
    : { value: String(err) };
}

import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import { AimsError } from "../domain/errors.js";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  pruneIdempotencyKeys,
  releaseIdempotencyKey,
} from "../store/idempotencyRepository.js";
import type { Database } from "../store/schema.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const KEEP_MS = 24 * 3_600_000;
/** A claim still unanswered after this long belongs to a request that died with its server. */
const ABANDONED_MS = 30 * 60_000;

export interface Answer {
  status: number;
  body: unknown;
}

let claims = 0;

/**
 * Runs a POST at most once per (principal, Idempotency-Key) for a day: a retry with the same method, path and
 * body gets the first answer again (header `idempotent-replayed: true`); a different request under the same key,
 * or one while the first still runs, is AimsError("conflict"). Only successes are kept, so a failed request can
 * be retried. Answers that carried a secret (a new key, an invitation token) are not stored: their replay is a
 * conflict saying the secret was shown once.
 */
export async function idempotent(
  db: Kysely<Database>,
  request: FastifyRequest,
  principal: string,
  options: { carriesSecret: boolean },
  run: () => Promise<Answer>,
): Promise<Answer & { replayed: boolean }> {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header === undefined) return { ...(await run()), replayed: false };
  if (typeof header !== "string" || !KEY_PATTERN.test(header))
    throw new AimsError("invalid_input", "Idempotency-Key must be 1-200 visible ASCII characters");
  const digest = createHash("sha256")
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest("hex");
  if (++claims % 100 === 1) await pruneIdempotencyKeys(db, new Date(Date.now() - KEEP_MS).toISOString());
  const claim = { principal, key: header, method: request.method, path: request.url, request_digest: digest };
  let existing = await claimIdempotencyKey(db, claim);
  if (
    existing &&
    existing.status_code === null &&
    Date.parse(existing.created_at) < Date.now() - ABANDONED_MS
  ) {
    // The first request never finished (the server stopped mid-way): let this one run instead.
    await releaseIdempotencyKey(db, principal, header);
    existing = await claimIdempotencyKey(db, claim);
  }
  if (existing) {
    if (existing.request_digest !== digest)
      throw new AimsError("conflict", "this Idempotency-Key was used for a different request; use a new key");
    if (existing.status_code === null)
      throw new AimsError("conflict", "a request with this Idempotency-Key is still running; retry later");
    if (existing.response === null)
      throw new AimsError(
        "conflict",
        "this request already succeeded; its secret was shown only once (revoke it and create another if it was lost)",
      );
    return { status: existing.status_code, body: JSON.parse(existing.response), replayed: true };
  }
  let answer: Answer;
  try {
    answer = await run();
  } catch (err) {
    await releaseIdempotencyKey(db, principal, header);
    throw err;
  }
  await completeIdempotencyKey(db, principal, header, {
    statusCode: answer.status,
    response: options.carriesSecret ? null : JSON.stringify(answer.body ?? null),
  });
  return { ...answer, replayed: false };
}

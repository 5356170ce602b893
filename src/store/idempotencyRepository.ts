import type { Selectable } from "kysely";
import { type Executor, isUniqueViolation } from "./database.js";
import type { IdempotencyKeysTable } from "./schema.js";

export type IdempotencyRow = Selectable<IdempotencyKeysTable>;

/**
 * Claims (principal, key) for a request; returns undefined when claimed, or the row already there
 * (finished: replay it; unfinished: the first request is still running).
 */
export async function claimIdempotencyKey(
  ex: Executor,
  row: Omit<IdempotencyRow, "status_code" | "response" | "created_at">,
): Promise<IdempotencyRow | undefined> {
  try {
    await ex
      .insertInto("idempotency_keys")
      .values({ ...row, status_code: null, response: null, created_at: new Date().toISOString() })
      .execute();
    return undefined;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return ex
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("principal", "=", row.principal)
      .where("key", "=", row.key)
      .executeTakeFirstOrThrow();
  }
}

/** Records the answer of a claimed request. */
export async function completeIdempotencyKey(
  ex: Executor,
  principal: string,
  key: string,
  answer: { statusCode: number; response: string | null },
): Promise<void> {
  await ex
    .updateTable("idempotency_keys")
    .set({ status_code: answer.statusCode, response: answer.response })
    .where("principal", "=", principal)
    .where("key", "=", key)
    .execute();
}

/** Frees a claim whose request failed unexpectedly, so a retry runs again. */
export async function releaseIdempotencyKey(ex: Executor, principal: string, key: string): Promise<void> {
  await ex.deleteFrom("idempotency_keys").where("principal", "=", principal).where("key", "=", key).execute();
}

/** Deletes claims older than `before` (ISO time); keys are honoured for a day. */
export async function pruneIdempotencyKeys(ex: Executor, before: string): Promise<void> {
  await ex.deleteFrom("idempotency_keys").where("created_at", "<", before).execute();
}

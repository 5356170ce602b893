import type { Kysely } from "kysely";
import { type BackoffPolicy, type BackoffState, decideAttempt, undoAttempt } from "../domain/backoff.js";
import { withTransaction } from "../store/database.js";
import type { Database } from "../store/schema.js";
import {
  deleteThrottle,
  findThrottles,
  pruneThrottles,
  saveThrottle,
  type ThrottleRow,
} from "../store/throttleRepository.js";

/** One key an attempt counts against, its policy, and what a success does to it. */
export interface ThrottledKey {
  key: string;
  policy: BackoffPolicy;
  /**
   * `reset`: a success forgets the key's failures (an account: its owner got in). `undo`: a success takes back
   * only its own count (an address: one good sign-in must not wipe the guesses made from there).
   */
  onSuccess: "reset" | "undo";
}

/** An attempt under way (tell it when it succeeded), or a refusal with how long to wait. */
export type Attempt =
  | { allowed: true; succeeded(): Promise<void> }
  | {
      allowed: false;
      /** The key that refused (the one with the longest wait). */
      key: string;
      retryAfterSeconds: number;
      failures: number;
      /** True for the first refusal of this wait: audit that one, not every refused request. */
      firstRefusal: boolean;
    };

let begun = 0;

/**
 * Begins an attempt against every key at once, in one transaction of the store (so every process on the host
 * counts the same failures): refused while any key waits; otherwise counted as a failure of each key until
 * `succeeded()` is called, so parallel guesses are counted before any of them is checked.
 * @example const attempt = await beginAttempt(db, [{ key: "address:192.0.2.1", policy, onSuccess: "undo" }]);
 */
export async function beginAttempt(
  db: Kysely<Database>,
  keys: readonly ThrottledKey[],
  now = new Date(),
): Promise<Attempt> {
  const at = now.getTime();
  if (++begun % 100 === 1) {
    const forget = Math.max(0, ...keys.map((k) => k.policy.forgetAfterMs));
    await pruneThrottles(db, new Date(at - forget).toISOString(), now.toISOString());
  }
  return withTransaction(db, async (trx) => {
    const rows = await rowsByKey(trx, keys);
    let refused: { key: string; ms: number; row: ThrottleRow } | undefined;
    const counted: ThrottleRow[] = [];
    for (const k of keys) {
      const row = rows.get(k.key);
      const decision = decideAttempt(row && stateOf(row), k.policy, at);
      if (!decision.allowed) {
        if (row && (!refused || decision.retryAfterMs > refused.ms))
          refused = { key: k.key, ms: decision.retryAfterMs, row };
      } else counted.push(rowOf(k.key, decision.next, row?.noticed_until ?? null));
    }
    if (refused) {
      const { row } = refused;
      const firstRefusal = row.noticed_until !== row.next_attempt_at;
      if (firstRefusal) await saveThrottle(trx, { ...row, noticed_until: row.next_attempt_at });
      return {
        allowed: false as const,
        key: refused.key,
        retryAfterSeconds: Math.max(1, Math.ceil(refused.ms / 1000)),
        failures: row.failures,
        firstRefusal,
      };
    }
    for (const row of counted) await saveThrottle(trx, row);
    return { allowed: true as const, succeeded: () => succeed(db, keys) };
  });
}

async function succeed(db: Kysely<Database>, keys: readonly ThrottledKey[]): Promise<void> {
  await withTransaction(db, async (trx) => {
    const rows = await rowsByKey(trx, keys);
    for (const k of keys) {
      const row = rows.get(k.key);
      if (k.onSuccess === "reset") await deleteThrottle(trx, k.key);
      else if (row)
        await saveThrottle(trx, rowOf(k.key, undoAttempt(stateOf(row), k.policy), row.noticed_until));
    }
  });
}

async function rowsByKey(ex: Parameters<typeof findThrottles>[0], keys: readonly ThrottledKey[]) {
  const rows = await findThrottles(
    ex,
    keys.map((k) => k.key),
  );
  return new Map(rows.map((r) => [r.key, r]));
}

function stateOf(row: ThrottleRow): BackoffState {
  return {
    failures: row.failures,
    nextAttemptAt: row.next_attempt_at === null ? null : Date.parse(row.next_attempt_at),
    lastFailureAt: Date.parse(row.last_failure_at),
  };
}

function rowOf(key: string, state: BackoffState, noticedUntil: string | null): ThrottleRow {
  return {
    key,
    failures: state.failures,
    next_attempt_at: state.nextAttemptAt === null ? null : new Date(state.nextAttemptAt).toISOString(),
    last_failure_at: new Date(state.lastFailureAt).toISOString(),
    noticed_until: noticedUntil,
  };
}

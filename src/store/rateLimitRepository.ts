import { sql } from "kysely";
import type { Executor } from "./database.js";

/**
 * Counts one request against a budget's window and answers the window's count so far, this request included.
 * One statement (insert, or add one on conflict), so parallel requests from any process never lose a count.
 */
export async function countRequest(
  ex: Executor,
  key: string,
  window: { start: number; end: number },
): Promise<number> {
  const row = await ex
    .insertInto("rate_limits")
    .values({ key, window_start: window.start, count: 1, expires_at: window.end })
    .onConflict((oc) =>
      oc.columns(["key", "window_start"]).doUpdateSet({ count: sql<number>`rate_limits.count + 1` }),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Deletes the windows that ended at or before `nowMs` (one range delete on an index). */
export async function pruneRateLimits(ex: Executor, nowMs: number): Promise<void> {
  await ex.deleteFrom("rate_limits").where("expires_at", "<=", nowMs).execute();
}

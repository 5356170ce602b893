import { sql } from "kysely";
import type { Executor } from "./database.js";

/**
 * Adds `by` requests to a budget's window and answers the window's count after them: the caller owns the
 * numbers `count - by + 1 … count`. One statement (insert, or add on conflict), so parallel requests from any
 * process never lose a count nor get the same number.
 */
export async function countRequests(
  ex: Executor,
  key: string,
  window: { start: number; end: number },
  by = 1,
): Promise<number> {
  const row = await ex
    .insertInto("rate_limits")
    .values({ key, window_start: window.start, count: by, expires_at: window.end })
    .onConflict((oc) =>
      oc.columns(["key", "window_start"]).doUpdateSet({ count: sql<number>`rate_limits.count + ${by}` }),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Deletes the windows that ended at or before `nowMs` (one range delete on an index). */
export async function pruneRateLimits(ex: Executor, nowMs: number): Promise<void> {
  await ex.deleteFrom("rate_limits").where("expires_at", "<=", nowMs).execute();
}

import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { ThrottlesTable } from "./schema.js";

export type ThrottleRow = Selectable<ThrottlesTable>;

/** The rows of these throttle keys (keys with no row have no failures). */
export function findThrottles(ex: Executor, keys: readonly string[]): Promise<ThrottleRow[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return ex.selectFrom("throttles").selectAll().where("key", "in", keys).execute();
}

/** Writes a throttle row, replacing the key's earlier one. */
export async function saveThrottle(ex: Executor, row: ThrottleRow): Promise<void> {
  await ex
    .insertInto("throttles")
    .values(row)
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        failures: row.failures,
        next_attempt_at: row.next_attempt_at,
        last_failure_at: row.last_failure_at,
        noticed_until: row.noticed_until,
      }),
    )
    .execute();
}

/** Forgets a key's failures. */
export async function deleteThrottle(ex: Executor, key: string): Promise<void> {
  await ex.deleteFrom("throttles").where("key", "=", key).execute();
}

/** Deletes rows whose last failure is before `before` and whose wait is over (ISO times). */
export async function pruneThrottles(ex: Executor, before: string, now: string): Promise<void> {
  await ex
    .deleteFrom("throttles")
    .where("last_failure_at", "<", before)
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<", now)]))
    .execute();
}

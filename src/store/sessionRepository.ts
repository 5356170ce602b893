import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { SessionsTable } from "./schema.js";

export type SessionRow = Selectable<SessionsTable>;

/** The session whose cookie hashes to `digest`, or undefined. */
export function findSessionByDigest(ex: Executor, digest: string): Promise<SessionRow | undefined> {
  return ex.selectFrom("sessions").selectAll().where("digest", "=", digest).executeTakeFirst();
}

/** Stores a session (digests only). */
export async function insertSession(ex: Executor, row: SessionRow): Promise<void> {
  await ex.insertInto("sessions").values(row).execute();
}

/** Revokes one session, or every live session of a user except `exceptId`; answers how many it ended. */
export async function revokeSessions(
  ex: Executor,
  filter: { id: string } | { userId: string; exceptId?: string },
): Promise<number> {
  const now = new Date().toISOString();
  let query = ex.updateTable("sessions").set({ revoked_at: now }).where("revoked_at", "is", null);
  if ("id" in filter) query = query.where("id", "=", filter.id);
  else {
    query = query.where("user_id", "=", filter.userId).where("expires_at", ">", now);
    if (filter.exceptId) query = query.where("id", "!=", filter.exceptId);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Where a user's sessions were opened from (`api <address>`) since `since` (ISO time). */
export async function sessionSourcesOf(ex: Executor, userId: string, since: string): Promise<string[]> {
  const rows = await ex
    .selectFrom("sessions")
    .select("source")
    .distinct()
    .where("user_id", "=", userId)
    .where("created_at", ">", since)
    .limit(100)
    .execute();
  return rows.map((r) => r.source);
}

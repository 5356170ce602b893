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

/** Revokes one session, or every session of a user except `exceptId`. */
export async function revokeSessions(
  ex: Executor,
  filter: { id: string } | { userId: string; exceptId?: string },
): Promise<void> {
  let query = ex
    .updateTable("sessions")
    .set({ revoked_at: new Date().toISOString() })
    .where("revoked_at", "is", null);
  if ("id" in filter) query = query.where("id", "=", filter.id);
  else {
    query = query.where("user_id", "=", filter.userId);
    if (filter.exceptId) query = query.where("id", "!=", filter.exceptId);
  }
  await query.execute();
}

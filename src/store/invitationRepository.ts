import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { InvitationsTable } from "./schema.js";

export type InvitationRow = Selectable<InvitationsTable>;

/** The invitation whose token hashes to `digest`, or undefined. */
export function findInvitationByDigest(ex: Executor, digest: string): Promise<InvitationRow | undefined> {
  return ex.selectFrom("invitations").selectAll().where("digest", "=", digest).executeTakeFirst();
}

/** The tenant's invitation with this id, or undefined (another tenant's id looks like none). */
export function findInvitation(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<InvitationRow | undefined> {
  return ex
    .selectFrom("invitations")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Stores an invitation (digest only). */
export async function insertInvitation(ex: Executor, row: InvitationRow): Promise<void> {
  await ex.insertInto("invitations").values(row).execute();
}

/**
 * Marks an open invitation used; returns false when it was already accepted or revoked (single use: the
 * `where` makes the second of two racing accepts update nothing).
 */
export async function markInvitation(
  ex: Executor,
  id: string,
  change: { acceptedBy: string } | { revoked: true },
): Promise<boolean> {
  const now = new Date().toISOString();
  const result = await ex
    .updateTable("invitations")
    .set("acceptedBy" in change ? { accepted_at: now, accepted_by: change.acceptedBy } : { revoked_at: now })
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A page of a tenant's invitations, ordered by id. */
export function listInvitations(
  ex: Executor,
  tenantId: string,
  page: { afterId?: string; limit: number },
): Promise<InvitationRow[]> {
  let query = ex.selectFrom("invitations").selectAll().where("tenant_id", "=", tenantId);
  if (page.afterId) query = query.where("id", ">", page.afterId);
  return query.orderBy("id").limit(page.limit).execute();
}

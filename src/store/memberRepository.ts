import type { Selectable } from "kysely";
import { AimsError } from "../domain/errors.js";
import { type Executor, isUniqueViolation } from "./database.js";
import type { MembersTable, Role } from "./schema.js";

export type MemberRow = Selectable<MembersTable>;
export type MemberWithEmail = MemberRow & { email: string };

/** The user's membership of a tenant, or undefined. */
export function findMember(ex: Executor, tenantId: string, userId: string): Promise<MemberRow | undefined> {
  return ex
    .selectFrom("members")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** Every membership of a user (tenant id and role). */
export function membershipsOf(ex: Executor, userId: string): Promise<MemberRow[]> {
  return ex.selectFrom("members").selectAll().where("user_id", "=", userId).execute();
}

/** Adds a member; an existing membership is AimsError("conflict"). */
export async function insertMember(
  ex: Executor,
  input: { tenantId: string; userId: string; role: Role },
): Promise<MemberRow> {
  const now = new Date().toISOString();
  const row: MemberRow = {
    tenant_id: input.tenantId,
    user_id: input.userId,
    role: input.role,
    created_at: now,
    updated_at: now,
  };
  try {
    await ex.insertInto("members").values(row).execute();
    return row;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AimsError("conflict", "that user is already a member of this tenant");
    throw err;
  }
}

/** Changes a member's role. */
export async function updateMemberRole(ex: Executor, tenantId: string, userId: string, role: Role) {
  await ex
    .updateTable("members")
    .set({ role, updated_at: new Date().toISOString() })
    .where("tenant_id", "=", tenantId)
    .where("user_id", "=", userId)
    .execute();
}

/** Removes a membership. */
export async function deleteMember(ex: Executor, tenantId: string, userId: string): Promise<void> {
  await ex.deleteFrom("members").where("tenant_id", "=", tenantId).where("user_id", "=", userId).execute();
}

/** How many owners a tenant has (the last one may not leave or be demoted). */
export async function countOwners(ex: Executor, tenantId: string): Promise<number> {
  const row = await ex
    .selectFrom("members")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
    .where("tenant_id", "=", tenantId)
    .where("role", "=", "owner")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of a tenant's members with their emails, ordered by user id. */
export function listMembers(
  ex: Executor,
  tenantId: string,
  page: { afterUserId?: string; limit: number },
): Promise<MemberWithEmail[]> {
  let query = ex
    .selectFrom("members")
    .innerJoin("users", "users.id", "members.user_id")
    .selectAll("members")
    .select("users.email")
    .where("members.tenant_id", "=", tenantId);
  if (page.afterUserId) query = query.where("members.user_id", ">", page.afterUserId);
  return query.orderBy("members.user_id").limit(page.limit).execute();
}

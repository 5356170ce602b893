import type { Selectable } from "kysely";
import { AimsError } from "../domain/errors.js";
import { type Executor, isUniqueViolation } from "./database.js";
import type { UsersTable } from "./schema.js";

export type UserRow = Selectable<UsersTable>;

/** The user with this (lower-cased) email, or undefined. */
export function findUserByEmail(ex: Executor, email: string): Promise<UserRow | undefined> {
  return ex.selectFrom("users").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
}

/** The user with this id, or undefined. */
export function findUserById(ex: Executor, id: string): Promise<UserRow | undefined> {
  return ex.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Inserts a user; a taken email is AimsError("conflict"). */
export async function insertUser(ex: Executor, row: UserRow): Promise<UserRow> {
  try {
    await ex.insertInto("users").values(row).execute();
    return row;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AimsError("conflict", `a user with email ${row.email} already exists`);
    throw err;
  }
}

/** Replaces a user's password hash. */
export async function updatePasswordHash(ex: Executor, id: string, passwordHash: string): Promise<void> {
  const now = new Date().toISOString();
  await ex
    .updateTable("users")
    .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
    .where("id", "=", id)
    .execute();
}

/** A page of users ordered by id, after `afterId`. */
export function listUsers(ex: Executor, page: { afterId?: string; limit: number }): Promise<UserRow[]> {
  let query = ex.selectFrom("users").selectAll();
  if (page.afterId) query = query.where("id", ">", page.afterId);
  return query.orderBy("id").limit(page.limit).execute();
}

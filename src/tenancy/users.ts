import * as z from "zod";
import type { AimsConfig } from "../config.js";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import { revokeSessions } from "../store/sessionRepository.js";
import { findUserById, insertUser, type UserRow, updatePasswordHash } from "../store/userRepository.js";
import { peopleChange } from "./change.js";
import { guardCredentialCheck } from "./passwordAttempts.js";
import { emailSchema, hashPassword, passwordSchema, verifyPassword } from "./passwords.js";
import { type Caller, requireAccount, requirePlatformAdmin, requireUser } from "./principal.js";

export const createUserInput = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  platformAdmin: z.boolean().default(false),
});

export const changePasswordInput = z.strictObject({
  currentPassword: z.string().max(256),
  newPassword: passwordSchema,
});

/** What anyone sees of a user: never the hash. */
export interface UserView {
  id: string;
  email: string;
  platformAdmin: boolean;
  createdAt: string;
}

/** Shapes a user row for a response. */
export function toUserView(row: UserRow): UserView {
  return { id: row.id, email: row.email, platformAdmin: row.platform_admin === 1, createdAt: row.created_at };
}

/** A new user row with a freshly hashed password (hash before any transaction: it is slow on purpose). */
export async function newUserRow(
  config: AimsConfig,
  input: { email: string; password: string; platformAdmin: boolean },
): Promise<UserRow> {
  const now = new Date().toISOString();
  return {
    id: newId(),
    email: input.email,
    password_hash: await hashPassword(input.password, config.api.passwordHashing),
    platform_admin: input.platformAdmin ? 1 : 0,
    created_at: now,
    updated_at: now,
    password_changed_at: now,
  };
}

/** The operator creates a user account (people join tenants by invitation). */
export async function createUser(
  p: OperationContext,
  caller: Caller,
  input: z.output<typeof createUserInput>,
): Promise<UserView> {
  requirePlatformAdmin(caller.principal, "create users");
  const row = await newUserRow(p.config, input);
  await withTransaction(p.store.db, async (trx) => {
    await insertUser(trx, row);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "user.created",
        action: "user.create",
        target: `user/${row.id}`,
        tenantId: null,
        subject: row.id,
        data: { email: row.email, platformAdmin: input.platformAdmin },
      }),
    );
  });
  return toUserView(row);
}

/** The calling user. */
export async function currentUser(p: OperationContext, caller: Caller): Promise<UserView> {
  const id = requireUser(caller.principal, "see their account");
  const row = await findUserById(p.store.db, id);
  if (!row) throw new AimsError("not_found", "your user no longer exists");
  return toUserView(row);
}

/**
 * Changes the caller's password (account scope) after checking the current one, throttled like a sign-in (a
 * stolen session must not become a password oracle); every other session of the user ends.
 */
export async function changePassword(
  p: OperationContext,
  caller: Caller,
  input: z.output<typeof changePasswordInput>,
): Promise<void> {
  const id = requireAccount(caller.principal, "changing a password");
  const row = await findUserById(p.store.db, id);
  if (!row) throw new AimsError("not_found", "your user no longer exists");
  const cost = p.config.api.passwordHashing;
  const attempt = await guardCredentialCheck(p, {
    email: row.email,
    source: caller.source,
    action: "user.password_throttle",
  });
  if (!(await verifyPassword(row.password_hash, input.currentPassword, cost)))
    throw new AimsError("forbidden", "the current password is not correct");
  await attempt.succeeded();
  const hash = await hashPassword(input.newPassword, cost);
  await withTransaction(p.store.db, async (trx) => {
    await updatePasswordHash(trx, id, hash);
    await revokeSessions(trx, {
      userId: id,
      ...(caller.principal.sessionId ? { exceptId: caller.principal.sessionId } : {}),
    });
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "user.password_changed",
        action: "user.change_password",
        target: `user/${id}`,
        tenantId: null,
        subject: id,
      }),
    );
  });
  await p.accessChanges.publish({ userId: id });
}

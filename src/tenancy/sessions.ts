import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { appendAudit } from "../store/auditLog.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import { insertSession, revokeSessions } from "../store/sessionRepository.js";
import { findUserByEmail } from "../store/userRepository.js";
import { peopleChange } from "./change.js";
import { guardCredentialCheck } from "./passwordAttempts.js";
import { verifyPassword } from "./passwords.js";
import { type Caller, requireAccount } from "./principal.js";
import { digestOf, newSecret } from "./tokens.js";
import { toUserView, type UserView } from "./users.js";

export const loginInput = z.strictObject({
  email: z
    .string()
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().max(256),
});

/** A new login: the cookie value and the CSRF token are returned once and stored only as digests. */
export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: UserView;
}

/**
 * Signs a user in with email and password. A wrong email or password is the same AimsError("unauthorized")
 * (and takes as long), and is audited as a failed attempt without the password. Failures are throttled per
 * address and per account (src/tenancy/passwordAttempts.ts): while a wait runs, AimsError("rate_limited").
 */
export async function login(
  p: OperationContext,
  input: z.output<typeof loginInput>,
  source: string,
): Promise<NewSession> {
  const attempt = await guardCredentialCheck(p, { email: input.email, source, action: "session.throttle" });
  const user = await findUserByEmail(p.store.db, input.email);
  const ok = await verifyPassword(user?.password_hash, input.password, p.config.api.passwordHashing);
  if (!user || !ok) {
    await withTransaction(p.store.db, (trx) =>
      appendAudit(trx, {
        actor: "anonymous",
        source,
        action: "session.create",
        target: `user/${user?.id ?? "unknown"}`,
        result: "failed",
        data: { email: input.email },
      }),
    );
    throw new AimsError("unauthorized", "email or password is not correct");
  }
  await attempt.succeeded();
  const token = newSecret();
  const csrfToken = newSecret();
  const id = newId();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + p.config.api.sessionTtlHours * 3_600_000).toISOString();
  await withTransaction(p.store.db, async (trx) => {
    await insertSession(trx, {
      id,
      digest: digestOf(token),
      csrf_digest: digestOf(csrfToken),
      user_id: user.id,
      source,
      expires_at: expiresAt,
      revoked_at: null,
      created_at: now.toISOString(),
    });
    await recordChange(
      trx,
      peopleChange(
        { actor: `user:${user.id}`, source },
        {
          event: "session.created",
          action: "session.create",
          target: `user/${user.id}`,
          tenantId: null,
          subject: id,
        },
      ),
    );
  });
  return { token, csrfToken, expiresAt, user: toUserView(user) };
}

/** Ends the caller's session. */
export async function logout(p: OperationContext, caller: Caller): Promise<void> {
  const sessionId = caller.principal.sessionId;
  if (!sessionId) throw new AimsError("invalid_input", "this request is not signed in with a session cookie");
  await withTransaction(p.store.db, async (trx) => {
    await revokeSessions(trx, { id: sessionId });
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "session.ended",
        action: "session.revoke",
        target: `user/${caller.principal.userId}`,
        tenantId: null,
        subject: sessionId,
      }),
    );
  });
  if (caller.principal.userId !== null) await p.accessChanges.publish({ userId: caller.principal.userId });
}

/** Signs the caller out everywhere (account scope): every session of theirs ends, this one included. */
export async function logoutEverywhere(p: OperationContext, caller: Caller): Promise<{ revoked: number }> {
  const userId = requireAccount(caller.principal, "signing out everywhere");
  return endSessions(p, { actor: caller.principal.actor, source: caller.source }, userId);
}

/**
 * Ends every session of the user with this email, on the host (`aims users sessions revoke`): for an account
 * that may be in the wrong hands. Their keys stay: revoke those separately.
 */
export async function revokeUserSessions(
  p: OperationContext,
  actor: { id: string; source: string },
  email: string,
): Promise<{ userId: string; email: string; revoked: number }> {
  const user = await findUserByEmail(p.store.db, email);
  if (!user) throw new AimsError("not_found", `no user with email ${email.toLowerCase()}`);
  const { revoked } = await endSessions(p, { actor: actor.id, source: actor.source }, user.id);
  return { userId: user.id, email: user.email, revoked };
}

async function endSessions(
  p: OperationContext,
  actor: { actor: string; source: string },
  userId: string,
): Promise<{ revoked: number }> {
  return withTransaction(p.store.db, async (trx) => {
    const revoked = await revokeSessions(trx, { userId });
    await recordChange(
      trx,
      peopleChange(actor, {
        event: "session.ended_all",
        action: "session.revoke_all",
        target: `user/${userId}`,
        tenantId: null,
        subject: userId,
        data: { revoked },
      }),
    );
    return { revoked };
  });
}

import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { formatIssues } from "../domain/zodIssues.js";
import { appendAudit } from "../store/auditLog.js";
import { withTransaction } from "../store/database.js";
import { findInvitationByDigest, type InvitationRow, markInvitation } from "../store/invitationRepository.js";
import { findMember, insertMember } from "../store/memberRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantById, type TenantRow } from "../store/tenantRepository.js";
import { findUserByEmail, insertUser, type UserRow } from "../store/userRepository.js";
import { makerOf } from "./authenticate.js";
import { peopleChange } from "./change.js";
import { toInvitationView } from "./invitations.js";
import { mayAssign } from "./members.js";
import { guardCredentialCheck } from "./passwordAttempts.js";
import { passwordSchema, verifyPassword } from "./passwords.js";
import { type Caller, hasAccountScope, permits, requireAccount, roleIn } from "./principal.js";
import type { Role } from "./roles.js";
import { digestOf } from "./tokens.js";
import { newUserRow, toUserView, type UserView } from "./users.js";

export const acceptInput = z.strictObject({
  token: z.string().min(1).max(200),
  /** A new person's password, or an existing user's current one (unless they are signed in). */
  password: z.string().max(256).optional(),
});

/**
 * Accepts an invitation: a new person sets a password and gets an account; an existing user proves who they
 * are with their session (or unrestricted key: the account scope) or their password. The token works once, and
 * only while whoever made the invitation could still make it. Wrong passwords and unknown tokens are throttled
 * like sign-ins and audited (result `failed`). The membership and its event are one transaction.
 */
export async function acceptInvitation(
  p: OperationContext,
  caller: Caller | undefined,
  input: z.output<typeof acceptInput>,
  source: string,
): Promise<{ user: UserView; tenant: string; role: Role }> {
  const db = p.store.db;
  const from = caller?.source ?? source;
  if (caller) requireAccount(caller.principal, "accepting an invitation while signed in");
  const signedInAs = caller && hasAccountScope(caller.principal) ? caller.principal.userId : null;
  const invitation = await findInvitationByDigest(db, digestOf(input.token));
  const tenant = invitation ? await findTenantById(db, invitation.tenant_id) : undefined;
  if (!invitation || !tenant) {
    // Counted against the address like a wrong password: tokens are not guessable, but nobody gets to try.
    await guardCredentialCheck(p, { source: from, action: "invitation.throttle" });
    await auditFailure(p, caller, from, { target: "invitation/unknown", reason: "unknown token" });
    throw new AimsError("not_found", "no such invitation");
  }
  if (toInvitationView(invitation, tenant.name).status !== "open")
    throw new AimsError(
      "conflict",
      "this invitation was already used, revoked or has expired; ask for a new one",
    );
  await requireInviterStanding(p, invitation, tenant);
  const existing = await findUserByEmail(db, invitation.email);
  let newUser: UserRow | undefined;
  if (existing) {
    if (signedInAs !== existing.id) await checkPassword(p, caller, from, invitation, tenant, existing, input);
    if (await findMember(db, tenant.id, existing.id))
      throw new AimsError("conflict", `${invitation.email} is already a member of ${tenant.name}`);
  } else {
    const password = passwordSchema.safeParse(input.password);
    if (!password.success)
      throw new AimsError("invalid_input", formatIssues(password.error, { fieldName: () => "password" }));
    newUser = await newUserRow(p.config, {
      email: invitation.email,
      password: password.data,
      platformAdmin: false,
    });
  }
  const user = (existing ?? newUser)!;
  const actor = { actor: `user:${user.id}`, source: from };
  await withTransaction(db, async (trx) => {
    if (!(await markInvitation(trx, invitation.id, { acceptedBy: user.id })))
      throw new AimsError("conflict", "this invitation was already used or revoked");
    if (newUser) {
      await insertUser(trx, newUser);
      await recordChange(
        trx,
        peopleChange(actor, {
          event: "user.created",
          action: "user.create",
          target: `user/${user.id}`,
          tenantId: null,
          subject: user.id,
          data: { email: user.email, invitation: invitation.id },
        }),
      );
    }
    await insertMember(trx, { tenantId: tenant.id, userId: user.id, role: invitation.role });
    await recordChange(
      trx,
      peopleChange(actor, {
        event: "member.added",
        action: "invitation.accept",
        target: `tenant/${tenant.name}/member/${user.id}`,
        tenantId: tenant.id,
        subject: user.id,
        data: { email: user.email, role: invitation.role, invitation: invitation.id },
      }),
    );
  });
  return { user: toUserView(user), tenant: tenant.name, role: invitation.role };
}

/** An invitation counts only while its maker, as they stand now, could still invite as its role. */
async function requireInviterStanding(p: OperationContext, invitation: InvitationRow, tenant: TenantRow) {
  const inviter = await makerOf(p.store.db, invitation.created_by);
  if (inviter === "host") return;
  const role = inviter ? await roleIn(p.store.db, inviter, tenant.id) : undefined;
  if (
    inviter &&
    role &&
    permits(inviter, role, "invitation.manage") &&
    mayAssign(inviter, role, invitation.role)
  )
    return;
  throw new AimsError(
    "conflict",
    `whoever invited you no longer may invite people to ${tenant.name} as ${invitation.role}; ask for a new invitation`,
  );
}

/** An existing user's password, throttled like a sign-in; a wrong one is audited and AimsError("unauthorized"). */
async function checkPassword(
  p: OperationContext,
  caller: Caller | undefined,
  from: string,
  invitation: InvitationRow,
  tenant: TenantRow,
  user: UserRow,
  input: z.output<typeof acceptInput>,
): Promise<void> {
  const refusal = new AimsError(
    "unauthorized",
    `sign in as ${invitation.email} or give that account's password to accept`,
  );
  if (input.password === undefined) throw refusal;
  const attempt = await guardCredentialCheck(p, {
    email: invitation.email,
    source: from,
    action: "invitation.throttle",
    tenantId: tenant.id,
  });
  if (!(await verifyPassword(user.password_hash, input.password, p.config.api.passwordHashing))) {
    await auditFailure(p, caller, from, {
      target: `tenant/${tenant.name}/invitation/${invitation.id}`,
      tenantId: tenant.id,
      reason: "wrong password",
      email: invitation.email,
    });
    throw refusal;
  }
  await attempt.succeeded();
}

async function auditFailure(
  p: OperationContext,
  caller: Caller | undefined,
  source: string,
  failure: { target: string; reason: string; tenantId?: string; email?: string },
): Promise<void> {
  await withTransaction(p.store.db, (trx) =>
    appendAudit(trx, {
      actor: caller?.principal.actor ?? "anonymous",
      source,
      action: "invitation.accept",
      target: failure.target,
      tenantId: failure.tenantId ?? null,
      result: "failed",
      data: { reason: failure.reason, ...(failure.email ? { email: failure.email } : {}) },
    }),
  );
}

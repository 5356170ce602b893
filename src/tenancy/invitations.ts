import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { withTransaction } from "../store/database.js";
import {
  findInvitation,
  findInvitationByDigest,
  type InvitationRow,
  insertInvitation,
  markInvitation,
} from "../store/invitationRepository.js";
import { findMember, insertMember } from "../store/memberRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantById } from "../store/tenantRepository.js";
import { findUserByEmail, insertUser, type UserRow } from "../store/userRepository.js";
import { peopleChange } from "./change.js";
import { assertMayAssign, roleSchema } from "./members.js";
import { emailSchema, passwordSchema, verifyPassword } from "./passwords.js";
import { type Caller, requireTenant } from "./principal.js";
import type { Role } from "./roles.js";
import { digestOf, INVITATION_PREFIX, newSecret } from "./tokens.js";
import { newUserRow, toUserView, type UserView } from "./users.js";

export const inviteInput = z.strictObject({ email: emailSchema, role: roleSchema });
export const acceptInput = z.strictObject({
  token: z.string().min(1).max(200),
  /** A new person's password, or an existing user's current one (unless they are signed in). */
  password: z.string().max(256).optional(),
});

export interface InvitationView {
  id: string;
  tenant: string;
  email: string;
  role: Role;
  status: "open" | "accepted" | "revoked" | "expired";
  expiresAt: string;
  createdAt: string;
}

/** Shapes an invitation row (never its token). */
export function toInvitationView(row: InvitationRow, tenantName: string, now = new Date()): InvitationView {
  const status = row.accepted_at
    ? "accepted"
    : row.revoked_at
      ? "revoked"
      : row.expires_at <= now.toISOString()
        ? "expired"
        : "open";
  return {
    id: row.id,
    tenant: tenantName,
    email: row.email,
    role: row.role,
    status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

/** Invites a person by email; the single-use token is returned once, to hand to them. */
export async function createInvitation(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  input: z.output<typeof inviteInput>,
): Promise<{ invitation: InvitationView; token: string }> {
  const { tenant, role } = await requireTenant(p.store.db, caller.principal, tenantName, "invitation.manage");
  assertMayAssign(caller, role, input.role, "invite someone as");
  const token = newSecret(INVITATION_PREFIX);
  const now = new Date();
  const row: InvitationRow = {
    id: newId(),
    tenant_id: tenant.id,
    email: input.email,
    role: input.role,
    digest: digestOf(token),
    expires_at: new Date(now.getTime() + p.config.api.invitationTtlHours * 3_600_000).toISOString(),
    accepted_at: null,
    accepted_by: null,
    revoked_at: null,
    created_by: caller.principal.actor,
    created_at: now.toISOString(),
  };
  await withTransaction(p.store.db, async (trx) => {
    await insertInvitation(trx, row);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "invitation.created",
        action: "invitation.create",
        target: `tenant/${tenant.name}/invitation/${row.id}`,
        tenantId: tenant.id,
        subject: row.id,
        data: { email: row.email, role: row.role },
      }),
    );
  });
  return { invitation: toInvitationView(row, tenant.name), token };
}

/** Revokes an open invitation. */
export async function revokeInvitation(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  id: string,
): Promise<void> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "invitation.manage");
  const row = await findInvitation(p.store.db, tenant.id, id);
  if (!row) throw new AimsError("not_found", `no invitation ${id} in tenant ${tenant.name}`);
  await withTransaction(p.store.db, async (trx) => {
    if (!(await markInvitation(trx, id, { revoked: true })))
      throw new AimsError("conflict", "this invitation was already accepted or revoked");
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "invitation.revoked",
        action: "invitation.revoke",
        target: `tenant/${tenant.name}/invitation/${id}`,
        tenantId: tenant.id,
        subject: id,
      }),
    );
  });
}

/**
 * Accepts an invitation: a new person sets a password and gets an account; an existing user proves who they
 * are with a session or their password. The token works once; the membership and its event are one transaction.
 */
export async function acceptInvitation(
  p: OperationContext,
  caller: Caller | undefined,
  input: z.output<typeof acceptInput>,
  source: string,
): Promise<{ user: UserView; tenant: string; role: Role }> {
  const invitation = await findInvitationByDigest(p.store.db, digestOf(input.token));
  const tenant = invitation ? await findTenantById(p.store.db, invitation.tenant_id) : undefined;
  if (!invitation || !tenant) throw new AimsError("not_found", "no such invitation");
  if (toInvitationView(invitation, tenant.name).status !== "open")
    throw new AimsError(
      "conflict",
      "this invitation was already used, revoked or has expired; ask for a new one",
    );
  const existing = await findUserByEmail(p.store.db, invitation.email);
  let newUser: UserRow | undefined;
  if (existing) {
    const signedInAs = caller?.principal.userId;
    const cost = p.config.api.passwordHashing;
    if (
      signedInAs !== existing.id &&
      !(input.password && (await verifyPassword(existing.password_hash, input.password, cost)))
    )
      throw new AimsError(
        "unauthorized",
        `sign in as ${invitation.email} or give that account's password to accept`,
      );
    if (await findMember(p.store.db, tenant.id, existing.id))
      throw new AimsError("conflict", `${invitation.email} is already a member of ${tenant.name}`);
  } else {
    const password = passwordSchema.safeParse(input.password);
    if (!password.success)
      throw new AimsError("invalid_input", `password ${password.error.issues[0]?.message ?? "is required"}`);
    newUser = await newUserRow(p.config, {
      email: invitation.email,
      password: password.data,
      platformAdmin: false,
    });
  }
  const user = (existing ?? newUser)!;
  const actor = { actor: `user:${user.id}`, source: caller?.source ?? source };
  await withTransaction(p.store.db, async (trx) => {
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

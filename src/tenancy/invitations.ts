import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { withTransaction } from "../store/database.js";
import {
  findInvitation,
  type InvitationRow,
  insertInvitation,
  markInvitation,
} from "../store/invitationRepository.js";
import { recordChange } from "../store/recordChange.js";
import { peopleChange } from "./change.js";
import { assertMayAssign, roleSchema } from "./members.js";
import { emailSchema } from "./passwords.js";
import { type Caller, requireTenant } from "./principal.js";
import type { Role } from "./roles.js";
import { digestOf, INVITATION_PREFIX, newSecret } from "./tokens.js";

export const inviteInput = z.strictObject({ email: emailSchema, role: roleSchema });

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

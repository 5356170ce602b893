import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { withTransaction } from "../store/database.js";
import {
  countOwners,
  deleteMember,
  findMember,
  type MemberWithEmail,
  updateMemberRole,
} from "../store/memberRepository.js";
import { recordChange } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { type Caller, type Principal, permits, requireTenant } from "./principal.js";
import { ROLES, type Role, roleAtLeast } from "./roles.js";

export const roleSchema = z.enum(ROLES);
export const changeRoleInput = z.strictObject({ role: roleSchema });

export interface MemberView {
  userId: string;
  email: string;
  role: Role;
  since: string;
}

/** Shapes a member row for a response. */
export function toMemberView(row: MemberWithEmail): MemberView {
  return { userId: row.user_id, email: row.email, role: row.role, since: row.created_at };
}

/**
 * True when a principal with `role` in a tenant may hand out (or take away) `target`: member.manage, never above
 * its own role, and owner.manage for anything involving owners.
 */
export function mayAssign(principal: Principal, role: Role, target: Role): boolean {
  const manage = target === "owner" ? "owner.manage" : "member.manage";
  return permits(principal, role, manage) && roleAtLeast(role, target);
}

/** Throws AimsError("forbidden") unless a caller with `callerRole` may hand out (or take away) `role`. */
export function assertMayAssign(caller: Caller, callerRole: Role, role: Role, what: string): void {
  if (!mayAssign(caller.principal, callerRole, role))
    throw new AimsError("forbidden", `your role (${callerRole}) may not ${what} ${role}`);
}

async function requireMember(p: OperationContext, tenant: TenantRow, userId: string) {
  const member = await findMember(p.store.db, tenant.id, userId);
  if (!member) throw new AimsError("not_found", `no member ${userId} in tenant ${tenant.name}`);
  return member;
}

/** Changes a member's role; the last owner cannot be demoted. */
export async function changeMemberRole(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  userId: string,
  input: z.output<typeof changeRoleInput>,
): Promise<{ userId: string; role: Role }> {
  const { tenant, role: callerRole } = await requireTenant(
    p.store.db,
    caller.principal,
    tenantName,
    "member.read",
    "change",
  );
  const member = await requireMember(p, tenant, userId);
  assertMayAssign(caller, callerRole, member.role, "change the role of a");
  assertMayAssign(caller, callerRole, input.role, "grant the role");
  await withTransaction(p.store.db, async (trx) => {
    if (member.role === "owner" && input.role !== "owner" && (await countOwners(trx, tenant.id)) <= 1)
      throw new AimsError(
        "conflict",
        `tenant ${tenant.name} needs at least one owner; make someone else owner first`,
      );
    await updateMemberRole(trx, tenant.id, userId, input.role);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "member.role_changed",
        action: "member.update",
        target: `tenant/${tenant.name}/member/${userId}`,
        tenantId: tenant.id,
        subject: userId,
        data: { from: member.role, to: input.role },
      }),
    );
  });
  await p.accessChanges.publish({ userId });
  return { userId, role: input.role };
}

/** Removes a member (anyone may leave; removing others needs member.manage); the last owner stays. */
export async function removeMember(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  userId: string,
): Promise<void> {
  const { tenant, role: callerRole } = await requireTenant(
    p.store.db,
    caller.principal,
    tenantName,
    "member.read",
    "change",
  );
  const member = await requireMember(p, tenant, userId);
  if (caller.principal.userId !== userId)
    assertMayAssign(caller, callerRole, member.role, "remove a member who is");
  await withTransaction(p.store.db, async (trx) => {
    if (member.role === "owner" && (await countOwners(trx, tenant.id)) <= 1)
      throw new AimsError(
        "conflict",
        `tenant ${tenant.name} needs at least one owner; make someone else owner first`,
      );
    await deleteMember(trx, tenant.id, userId);
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "member.removed",
        action: "member.remove",
        target: `tenant/${tenant.name}/member/${userId}`,
        tenantId: tenant.id,
        subject: userId,
        data: { role: member.role },
      }),
    );
  });
  await p.accessChanges.publish({ userId });
}

import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newNameSchema } from "../domain/names.js";
import { withTransaction } from "../store/database.js";
import { insertMember } from "../store/memberRepository.js";
import { recordChange } from "../store/recordChange.js";
import { insertTenant, type TenantRow } from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { type Caller, isUnrestricted, type Principal } from "./principal.js";
import type { Role } from "./roles.js";

export const createTenantInput = z.strictObject({ name: newNameSchema });

export interface TenantView {
  id: string;
  name: string;
  status: string;
  /** Its plan (docs/plans.md); migration 0009 gave every earlier tenant the install's defaultPlan. */
  plan: string | null;
  /** The caller's role in the tenant. */
  role: Role;
  createdAt: string;
}

/** Shapes a tenant row for a caller with `role` there. */
export function toTenantView(row: TenantRow, role: Role): TenantView {
  return { id: row.id, name: row.name, status: row.status, plan: row.plan, role, createdAt: row.created_at };
}

/**
 * Throws AimsError("forbidden") unless the principal may create tenants: the operator, or any signed-in user (a
 * session, or a user key not limited to a tenant, a role or scopes). Service keys may not.
 */
export function assertMayCreateTenant(principal: Principal): void {
  if (!isUnrestricted(principal) || (!principal.platformAdmin && principal.userId === null))
    throw new AimsError(
      "forbidden",
      "only the operator or a signed-in user (not a limited key) may create tenants",
    );
}

/** Creates a tenant (see assertMayCreateTenant); a user who creates one becomes its owner. */
export async function createTenant(
  p: OperationContext,
  caller: Caller,
  input: z.output<typeof createTenantInput>,
): Promise<TenantView> {
  const { principal } = caller;
  assertMayCreateTenant(principal);
  const tenant = await withTransaction(p.store.db, async (trx) => {
    const row = await insertTenant(trx, { name: input.name, plan: p.plans.defaultPlan.name });
    if (principal.userId !== null)
      await insertMember(trx, { tenantId: row.id, userId: principal.userId, role: "owner" });
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "tenant.created",
        action: "tenant.create",
        target: `tenant/${row.name}`,
        tenantId: row.id,
        subject: row.name,
        data: principal.userId ? { owner: principal.userId } : {},
      }),
    );
    return row;
  });
  return toTenantView(tenant, "owner");
}

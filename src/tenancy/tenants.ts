import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { newNameSchema } from "../domain/names.js";
import { planNameSchema } from "../domain/plans.js";
import { withTransaction } from "../store/database.js";
import { insertMember } from "../store/memberRepository.js";
import { recordChange } from "../store/recordChange.js";
import { countOwnedTenants, insertTenant, type TenantRow } from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { type Caller, isUnrestricted, type Principal } from "./principal.js";
import type { Role } from "./roles.js";

export const createTenantInput = z.strictObject({
  name: newNameSchema,
  /** Only the operator chooses; a user's tenant is on `defaultPlan`. */
  plan: planNameSchema.optional(),
});

export interface TenantView {
  id: string;
  name: string;
  /** `active`, `suspended` (by the operator: reads only) or `deleted` (the operator's list only). */
  status: string;
  /** Its plan (docs/plans.md); migration 0009 gave every earlier tenant the install's defaultPlan. */
  plan: string | null;
  /** The caller's role in the tenant. */
  role: Role;
  createdAt: string;
  /** Only for a deleted tenant. */
  deletedAt?: string;
}

/** Shapes a tenant row for a caller with `role` there. */
export function toTenantView(row: TenantRow, role: Role): TenantView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    plan: row.plan,
    role,
    createdAt: row.created_at,
    ...(row.deleted_at ? { deletedAt: row.deleted_at } : {}),
  };
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

/**
 * Creates a tenant (see assertMayCreateTenant) on `input.plan` (the operator's choice) or `defaultPlan`; a user
 * who creates one becomes its owner, up to `tenantsPerUser` tenants owned (counted in the transaction that
 * creates it, so concurrent requests cannot pass the cap together; the operator is not capped).
 */
export async function createTenant(
  p: OperationContext,
  caller: Caller,
  input: z.output<typeof createTenantInput>,
): Promise<TenantView> {
  const { principal } = caller;
  assertMayCreateTenant(principal);
  const plan = input.plan === undefined ? p.plans.defaultPlan : p.plans.get(input.plan);
  if (!principal.platformAdmin && plan.name !== p.plans.defaultPlan.name)
    throw new AimsError(
      "forbidden",
      `only the operator chooses a tenant's plan: new tenants are on ${p.plans.defaultPlan.name} (leave plan out, or ask the operator for \`aims tenant plan\`)`,
    );
  const tenant = await withTransaction(p.store.db, async (trx) => {
    if (principal.userId !== null && !principal.platformAdmin) {
      const owned = await countOwnedTenants(trx, principal.userId);
      const cap = p.config.tenantsPerUser;
      if (owned >= cap)
        throw new AimsError(
          "quota_exceeded",
          `a user may own at most ${cap} tenant${cap === 1 ? "" : "s"} on this host (tenantsPerUser) and you own ${owned}; the operator can raise tenantsPerUser in config.yaml`,
        );
    }
    const row = await insertTenant(trx, { name: input.name, plan: plan.name });
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
        data: { plan: plan.name, ...(principal.userId ? { owner: principal.userId } : {}) },
      }),
    );
    return row;
  });
  return toTenantView(tenant, "owner");
}

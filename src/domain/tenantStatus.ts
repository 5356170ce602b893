import { AimsError } from "./errors.js";

/**
 * What a tenant's status allows (issue "Plans and quotas", operator actions), pure: the one rule every entry
 * meets, through `requireTenant` (src/tenancy/principal.ts) for people and keys and through the lifecycle for
 * what the operator asks of a tenant's instances.
 */

/** `active`; `suspended` by the operator (reads only, instances stopped); `deleted` (kept for its history). */
export type TenantStatus = "active" | "suspended" | "deleted";

/** The tenant a rule is about. */
export interface TenantState {
  name: string;
  status: TenantStatus;
}

/** What a caller is about to do in a tenant: read it, or change something in it. */
export type TenantAccess = "read" | "change";

/** The sentence a suspended tenant's people and keys get for any change (403). */
export function suspendedMessage(tenant: string): string {
  return `tenant ${tenant} is suspended by the operator: reads only until it is resumed`;
}

/**
 * Why a caller may not go on in this tenant, or undefined when it may. Its people and keys: a deleted tenant is
 * not there (404, like one that never existed); a suspended one answers reads only (403 for a change). The
 * operator reads anything, changes a suspended tenant (what would make it run again is refused by
 * `assertTenantRuns`), and changes nothing of a deleted one.
 * @example tenantRefusal({ name: "acme", status: "suspended" }, "change", false)?.status // 403
 */
export function tenantRefusal(
  tenant: TenantState,
  access: TenantAccess,
  operator: boolean,
): AimsError | undefined {
  if (tenant.status === "deleted") {
    if (!operator) return new AimsError("not_found", `no tenant ${tenant.name}`);
    if (access === "change") return deletedRefusal(tenant.name);
    return undefined;
  }
  if (tenant.status === "suspended" && access === "change" && !operator)
    return new AimsError("forbidden", suspendedMessage(tenant.name));
  return undefined;
}

/**
 * Throws unless instances of the tenant may be deployed, started or changed: nothing runs in a suspended
 * tenant, whoever asks (the operator resumes it first), and a deleted tenant has nothing left to change.
 * Removing an instance is always allowed and does not ask.
 */
export function assertTenantRuns(tenant: TenantState): void {
  if (tenant.status === "deleted") throw deletedRefusal(tenant.name);
  if (tenant.status === "suspended")
    throw new AimsError(
      "conflict",
      `tenant ${tenant.name} is suspended by the operator: nothing of it may be deployed, started or changed until \`aims tenant resume ${tenant.name}\``,
    );
}

function deletedRefusal(name: string): AimsError {
  return new AimsError(
    "conflict",
    `tenant ${name} was deleted; its name stays with its history (\`aims events --tenant ${name}\`): use another name`,
  );
}

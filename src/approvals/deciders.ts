import { APPROVALS_DECIDE_SCOPE } from "../domain/approvals.js";
import { AimsError } from "../domain/errors.js";
import type { Executor } from "../store/database.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { type Principal, roleIn } from "../tenancy/principal.js";
import { ROLE_PERMISSIONS, type Role } from "../tenancy/roles.js";

/**
 * Why this principal may not decide approvals in a tenant where it has `role`, or undefined when it may. Who
 * may: a person signed in (session), the person at the host's terminal, or an API key made with the explicit
 * `approvals:decide` scope — and in each case only with a role that may decide (admin, owner). A key narrowed
 * to nothing lacks the scope: an AI client holding an ordinary key can never approve its own request.
 */
export function decisionRefusal(principal: Principal, role: Role, tenantName: string): string | undefined {
  if (principal.kind === "key" && !principal.scopes?.includes(APPROVALS_DECIDE_SCOPE))
    return `this API key may not decide approvals: only a key made with the ${APPROVALS_DECIDE_SCOPE} scope may (sign in, or approve on the AIMS host with \`aims approvals approve <id> --tenant ${tenantName}\`)`;
  if (!ROLE_PERMISSIONS[role].has("approval.decide"))
    return `your role in tenant ${tenantName} (${role}) may not decide approvals; an admin or owner decides`;
  return undefined;
}

/** The role of someone who may decide approvals in the tenant; otherwise AimsError("not_found"/"forbidden"). */
export async function requireDecider(ex: Executor, principal: Principal, tenant: TenantRow): Promise<Role> {
  const role = await roleIn(ex, principal, tenant.id);
  if (!role) throw new AimsError("not_found", `no tenant ${tenant.name}`);
  const refusal = decisionRefusal(principal, role, tenant.name);
  if (refusal) throw new AimsError("forbidden", refusal);
  return role;
}

/** True when the principal may decide approvals in a tenant where it has `role`. */
export function mayDecide(principal: Principal, role: Role, tenantName: string): boolean {
  return decisionRefusal(principal, role, tenantName) === undefined;
}

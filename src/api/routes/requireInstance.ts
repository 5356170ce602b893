import { AimsError } from "../../domain/errors.js";
import type { Platform } from "../../platform.js";
import { findInstance } from "../../store/instanceRepository.js";
import { type Caller, requireTenant } from "../../tenancy/principal.js";
import type { Permission } from "../../tenancy/roles.js";

/** A tenant's active instance if the caller may do `permission` on it; otherwise AimsError("not_found"/"forbidden"). */
export async function requireInstanceFor(
  p: Platform,
  caller: Caller,
  tenantName: string,
  name: string,
  permission: Permission,
) {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, permission);
  const instance = await findInstance(p.store.db, tenant.id, name);
  if (!instance) throw new AimsError("not_found", `no instance ${name} in tenant ${tenantName}`);
  return { tenant, instance };
}

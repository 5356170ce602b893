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

/**
 * A long-lived stream's re-check: the caller may still do `permission` on the instance, and the name still
 * belongs to the instance the stream follows (not another deployed under it since).
 */
export function sameInstanceStill(
  p: Platform,
  caller: Caller,
  tenantName: string,
  name: string,
  instanceId: string,
  permission: Permission,
) {
  return async (principal: Caller["principal"]): Promise<void> => {
    const now = await requireInstanceFor(
      p,
      { principal, source: caller.source },
      tenantName,
      name,
      permission,
    );
    if (now.instance.id !== instanceId)
      throw new AimsError("not_found", `no instance ${name} in tenant ${tenantName}`);
  };
}

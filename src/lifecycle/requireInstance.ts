import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { findInstance } from "../store/instanceRepository.js";
import { findTenantByName } from "../store/tenantRepository.js";

/** Finds an active instance by tenant and name, or AimsError("not_found") (another tenant's instance looks the same as none). */
export async function requireInstance(p: OperationContext, tenantName: string, name: string) {
  const tenant = await findTenantByName(p.store.db, tenantName);
  const instance = tenant ? await findInstance(p.store.db, tenant.id, name) : undefined;
  if (!tenant || !instance)
    throw new AimsError(
      "not_found",
      `no instance ${name} for tenant ${tenantName} (see \`aims ps --tenant ${tenantName}\`)`,
    );
  return { tenant, instance };
}

import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { listInstances as listInstanceRows } from "../store/instanceRepository.js";
import { findTenantByName } from "../store/tenantRepository.js";
import { type InstanceView, instanceViews } from "./instanceView.js";

/** Active instances as user views, optionally of one tenant (an unknown tenant is not_found). */
export async function listInstanceViews(p: OperationContext, tenantName?: string): Promise<InstanceView[]> {
  let tenantId: string | undefined;
  if (tenantName) {
    const tenant = await findTenantByName(p.store.db, tenantName);
    if (!tenant) throw new AimsError("not_found", `no tenant ${tenantName}`);
    tenantId = tenant.id;
  }
  const rows = await listInstanceRows(p.store.db, tenantId ? { tenantId } : {});
  return instanceViews(p, rows);
}

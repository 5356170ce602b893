import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { listAllocations } from "../ports/portAllocator.js";
import { listInstances as listInstanceRows } from "../store/instanceRepository.js";
import { findTenantByName, listTenants } from "../store/tenantRepository.js";
import { type InstanceView, toInstanceView } from "./instanceView.js";

/** Active instances as user views, optionally of one tenant (an unknown tenant is not_found). */
export async function listInstanceViews(p: OperationContext, tenantName?: string): Promise<InstanceView[]> {
  const db = p.store.db;
  let tenantId: string | undefined;
  if (tenantName) {
    const tenant = await findTenantByName(db, tenantName);
    if (!tenant) throw new AimsError("not_found", `no tenant ${tenantName}`);
    tenantId = tenant.id;
  }
  const names = new Map((await listTenants(db)).map((t) => [t.id, t.name]));
  const rows = await listInstanceRows(db, tenantId ? { tenantId } : {});
  const allocations = await listAllocations(db, {});
  return rows.map((row) => {
    const plug = parseSpec(row.spec).plug;
    return toInstanceView(
      row,
      names.get(row.tenant_id) ?? "?",
      plug,
      allocations.filter((a) => a.instance_id === row.id),
      p.config.bindAddress,
      p.config.proxy,
    );
  });
}

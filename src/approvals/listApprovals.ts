import * as z from "zod";
import type { OperationContext } from "../context.js";
import { APPROVAL_STATUSES } from "../domain/approvals.js";
import { AimsError } from "../domain/errors.js";
import { findApproval, listApprovalRows } from "../store/approvalRepository.js";
import { findTenantByName, type TenantRow } from "../store/tenantRepository.js";
import { type Caller, permits, roleIn } from "../tenancy/principal.js";
import { type ApprovalView, approvalView, approvalViews } from "./approvalView.js";
import { mayDecide } from "./deciders.js";
import { expireLapsedApprovals } from "./expireApprovals.js";

export const approvalStatusFilter = z.enum(APPROVAL_STATUSES, {
  error: `must be one of ${APPROVAL_STATUSES.join(", ")}`,
});

/**
 * The tenant, if the caller may read its approvals: anyone who can see its instances, or a key made only to
 * decide them (`approvals:decide`). Another tenant is not_found, like one that does not exist.
 */
async function readableTenant(p: OperationContext, caller: Caller, tenantName: string): Promise<TenantRow> {
  const tenant = await findTenantByName(p.store.db, tenantName);
  const role = tenant ? await roleIn(p.store.db, caller.principal, tenant.id) : undefined;
  if (!tenant || !role) throw new AimsError("not_found", `no tenant ${tenantName}`);
  if (!permits(caller.principal, role, "instance.read") && !mayDecide(caller.principal, role, tenant.name))
    throw new AimsError(
      "forbidden",
      `your role in tenant ${tenantName} (${role}) does not allow instance.read`,
    );
  return tenant;
}

/** A tenant's approvals, newest first (lapsed ones are marked expired first), as views. */
export async function listApprovals(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  options: { status?: z.output<typeof approvalStatusFilter>; beforeId?: string; limit: number },
): Promise<ApprovalView[]> {
  const tenant = await readableTenant(p, caller, tenantName);
  await expireLapsedApprovals(p, tenant);
  const rows = await listApprovalRows(p.store.db, tenant.id, {
    ...(options.status ? { statuses: [options.status] } : {}),
    ...(options.beforeId !== undefined ? { beforeId: options.beforeId } : {}),
    limit: options.limit,
  });
  return approvalViews(p.store.db, rows, tenant.name);
}

/** One approval of a tenant; another tenant's id, or a forged one, is not_found. */
export async function getApproval(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  id: string,
): Promise<ApprovalView> {
  const tenant = await readableTenant(p, caller, tenantName);
  await expireLapsedApprovals(p, tenant);
  const row = await findApproval(p.store.db, tenant.id, id);
  if (!row) throw new AimsError("not_found", `no approval ${id.slice(0, 60)} in tenant ${tenant.name}`);
  return approvalView(p.store.db, row, tenant.name);
}

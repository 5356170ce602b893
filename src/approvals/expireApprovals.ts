import type { OperationContext } from "../context.js";
import { listLapsedApprovals, moveApproval } from "../store/approvalRepository.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { approvalChange } from "./approvalChange.js";

const SYSTEM = { id: "system", source: "approvals" };

/** Marks a tenant's pending approvals whose time ran out as `expired` (an event and audit entry each). */
export async function expireLapsedApprovals(p: OperationContext, tenant: TenantRow): Promise<void> {
  const now = new Date().toISOString();
  for (const row of await listLapsedApprovals(p.store.db, tenant.id, now))
    await withTransaction(p.store.db, async (trx) => {
      if (!(await moveApproval(trx, row.id, "pending", "expired", { finished_at: now }))) return;
      await recordChange(
        trx,
        approvalChange(SYSTEM, tenant, row, {
          event: "approval.expired",
          action: "approval.expire",
          data: { expiresAt: row.expires_at },
        }),
      );
    });
}

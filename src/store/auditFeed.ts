import type { AuditRow } from "./auditLog.js";
import type { Executor } from "./database.js";

/** Audit entries in seq order, of one tenant or (operator) all, after a cursor. */
export function listAuditFeed(
  ex: Executor,
  filter: { tenantId?: string; afterSeq?: number; limit: number },
): Promise<AuditRow[]> {
  let query = ex.selectFrom("audit_entries").selectAll();
  if (filter.tenantId !== undefined) query = query.where("tenant_id", "=", filter.tenantId);
  if (filter.afterSeq !== undefined) query = query.where("seq", ">", filter.afterSeq);
  return query.orderBy("seq").limit(filter.limit).execute();
}

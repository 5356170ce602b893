import type { AuditRow } from "./auditLog.js";
import type { Executor } from "./database.js";

/** Audit entries in seq order, of one tenant or (operator) all, after a cursor, written at or after `since` (ISO). */
export function listAuditFeed(
  ex: Executor,
  filter: { tenantId?: string; afterSeq?: number; since?: string; limit: number },
): Promise<AuditRow[]> {
  let query = ex.selectFrom("audit_entries").selectAll();
  if (filter.tenantId !== undefined) query = query.where("tenant_id", "=", filter.tenantId);
  if (filter.since !== undefined) query = query.where("created_at", ">=", filter.since);
  if (filter.afterSeq !== undefined) query = query.where("seq", ">", filter.afterSeq);
  return query.orderBy("seq").limit(filter.limit).execute();
}

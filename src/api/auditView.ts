import type { AuditRow } from "../store/auditLog.js";

/** An audit entry as clients see it (the hash lets them check the chain). */
export function toAuditView(row: AuditRow) {
  return {
    seq: row.seq,
    id: row.id,
    time: row.created_at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    source: row.source,
    result: row.result,
    data: JSON.parse(row.data) as unknown,
    hash: row.hash,
  };
}

export type AuditView = ReturnType<typeof toAuditView>;

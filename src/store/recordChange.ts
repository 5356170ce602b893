import type { Transaction } from "kysely";
import { type AuditRow, appendAudit, type NewAuditEntry } from "./auditLog.js";
import { appendEvent, type EventRow, type NewEvent } from "./eventLog.js";
import type { Database } from "./schema.js";

export { withTransaction } from "./database.js";

/** One state change's record: the event others react to and the audit entry that says who did it. */
export interface ChangeRecord {
  event: NewEvent;
  audit: NewAuditEntry;
}

/**
 * Writes the event and the audit entry of a change, in the transaction that makes the change.
 * @example await withTransaction(db, async (trx) => { await updateInstanceState(trx, id, patch); await recordChange(trx, change); })
 */
export async function recordChange(
  trx: Transaction<Database>,
  change: ChangeRecord,
): Promise<{ event: EventRow; audit: AuditRow }> {
  const event = await appendEvent(trx, change.event);
  const audit = await appendAudit(trx, change.audit);
  return { event, audit };
}

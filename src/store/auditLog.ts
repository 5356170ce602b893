import type { Selectable, Transaction } from "kysely";
import {
  canonicalJson,
  chainBreak,
  chainHash,
  GENESIS_HASH,
  type HashedAuditFields,
} from "../audit/auditChain.js";
import { newId } from "../domain/names.js";
import type { Executor } from "./database.js";
import { onPostgres } from "./dialect.js";
import type { AuditEntriesTable, Database } from "./schema.js";

export type AuditRow = Selectable<AuditEntriesTable>;

/** Who did what to which object, from where, with what result; `data` must never hold a secret. */
export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string;
  tenantId?: string | null;
  source: string;
  result: AuditEntriesTable["result"];
  data?: Record<string, unknown>;
}

export type AuditChainCheck =
  | { ok: true; checked: number }
  | { ok: false; brokenAtSeq: number; reason: string };

const PAGE = 500;

/**
 * Appends a hash-chained audit entry: hash = sha256(prev_hash + canonical JSON of the entry's fields),
 * computed by the pure `audit/auditChain.ts`.
 * It reads the chain head and inserts, so it takes a Transaction: the caller's write transaction serialises
 * appends (SQLite: BEGIN IMMEDIATE; PostgreSQL: the write lock, both held from the start), so two processes
 * cannot fork the chain. The seq follows the head's (see appendEvent for why not a PostgreSQL sequence).
 */
export async function appendAudit(trx: Transaction<Database>, entry: NewAuditEntry): Promise<AuditRow> {
  const head = await trx
    .selectFrom("audit_entries")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const fields: HashedAuditFields & Pick<AuditRow, "result"> = {
    id: newId(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    tenant_id: entry.tenantId ?? null,
    source: entry.source,
    result: entry.result,
    data: canonicalJson(entry.data ?? {}),
    created_at: new Date().toISOString(),
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  return trx
    .insertInto("audit_entries")
    .values({
      ...(onPostgres(trx) ? { seq: (head?.seq ?? 0) + 1 } : {}),
      ...fields,
      prev_hash: prevHash,
      hash: chainHash(prevHash, fields),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Recomputes the whole chain in seq order; reports the first entry whose link or hash does not match. */
export async function verifyAuditChain(ex: Executor): Promise<AuditChainCheck> {
  let expectedPrev = GENESIS_HASH;
  let afterSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await ex
      .selectFrom("audit_entries")
      .selectAll()
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const reason = chainBreak(expectedPrev, row);
      if (reason) return { ok: false, brokenAtSeq: row.seq, reason };
      expectedPrev = row.hash;
      afterSeq = row.seq;
      checked++;
    }
    if (rows.length < PAGE) return { ok: true, checked };
  }
}

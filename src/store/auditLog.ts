import type { Selectable, Transaction } from "kysely";
import { canonicalJson, chainHash, GENESIS_HASH, type HashedAuditFields } from "../audit/auditChain.js";
import { type ChainVerdict, ChainVerifier } from "../audit/chainVerifier.js";
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

const PAGE = 1000;

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

/**
 * Recomputes the whole chain in seq order, a page at a time: the first entry that was edited, deleted or
 * reordered, or the chain's length and head hash (src/audit/chainVerifier.ts).
 */
export async function verifyAuditChain(ex: Executor): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let afterSeq = 0;
  for (;;) {
    const rows = await ex
      .selectFrom("audit_entries")
      .selectAll()
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    for (const row of rows) if (!verifier.push(row)) return verifier.verdict();
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return verifier.verdict();
    afterSeq = last.seq;
  }
}

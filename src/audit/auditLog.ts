import { createHash } from "node:crypto";
import type { Selectable, Transaction } from "kysely";
import { newId } from "../domain/names.js";
import type { Executor } from "../store/database.js";
import type { AuditEntriesTable, Database } from "../store/schema.js";

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

/** The prev_hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

const PAGE = 500;

/**
 * Appends a hash-chained audit entry: hash = sha256(prev_hash + canonical JSON of the entry's fields).
 * It reads the chain head and inserts, so it takes a Transaction: the caller's write transaction serialises
 * appends (SQLite: BEGIN IMMEDIATE holds the write lock from the start), so two processes cannot fork the chain.
 * PostgreSQL will need the head row locked (SELECT ... FOR UPDATE or an advisory lock) in the same place.
 */
export async function appendAudit(trx: Transaction<Database>, entry: NewAuditEntry): Promise<AuditRow> {
  const head = await trx
    .selectFrom("audit_entries")
    .select("hash")
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const fields: HashedFields = {
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
    .values({ ...fields, prev_hash: prevHash, hash: chainHash(prevHash, fields) })
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
      if (row.prev_hash !== expectedPrev) {
        return {
          ok: false,
          brokenAtSeq: row.seq,
          reason: "prev_hash does not match the previous entry's hash",
        };
      }
      if (chainHash(row.prev_hash, hashedFields(row)) !== row.hash) {
        return { ok: false, brokenAtSeq: row.seq, reason: "entry content does not match its hash" };
      }
      expectedPrev = row.hash;
      afterSeq = row.seq;
      checked++;
    }
    if (rows.length < PAGE) return { ok: true, checked };
  }
}

type HashedFields = Omit<AuditRow, "seq" | "prev_hash" | "hash">;

function hashedFields(row: AuditRow): HashedFields {
  const { seq: _seq, prev_hash: _prev, hash: _hash, ...fields } = row;
  return fields;
}

function chainHash(prevHash: string, fields: HashedFields): string {
  return createHash("sha256")
    .update(prevHash + canonicalJson(fields))
    .digest("hex");
}

/** JSON with object keys sorted at every level, so the same value always hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

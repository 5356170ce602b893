import * as z from "zod";
import { type ChainedAuditEntry, canonicalJson } from "./auditChain.js";

/**
 * An audit entry as clients see it (API pages, `aims audit export` lines): every field its hash covers, its link
 * (`prevHash`) and its hash, so anyone holding entries can recompute the chain (`aims audit verify --file`).
 */
export interface AuditEntryView {
  seq: number;
  id: string;
  time: string;
  actor: string;
  action: string;
  target: string;
  /** The tenant's id (null for entries of no tenant: users, sessions, the operator key). */
  tenantId: string | null;
  source: string;
  result: string;
  data: unknown;
  prevHash: string;
  hash: string;
}

/** Shapes a stored entry for clients. */
export function toAuditView(entry: ChainedAuditEntry): AuditEntryView {
  return {
    seq: entry.seq,
    id: entry.id,
    time: entry.created_at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    tenantId: entry.tenant_id,
    source: entry.source,
    result: entry.result,
    data: JSON.parse(entry.data) as unknown,
    prevHash: entry.prev_hash,
    hash: entry.hash,
  };
}

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, { error: "must be 64 hex digits" });

/** One line of an export, as `toAuditView` wrote it. */
export const auditEntryViewSchema = z.object({
  seq: z.number().int().positive(),
  id: z.string(),
  time: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  tenantId: z.string().nullable(),
  source: z.string(),
  result: z.string(),
  data: z.unknown(),
  prevHash: hashSchema,
  hash: hashSchema,
});

/** Back from the view to the entry its hash was computed over (`data` in canonical JSON, as stored). */
export function fromAuditView(view: z.output<typeof auditEntryViewSchema>): ChainedAuditEntry {
  return {
    seq: view.seq,
    id: view.id,
    created_at: view.time,
    actor: view.actor,
    action: view.action,
    target: view.target,
    tenant_id: view.tenantId,
    source: view.source,
    result: view.result,
    data: canonicalJson(view.data ?? {}),
    prev_hash: view.prevHash,
    hash: view.hash,
  };
}

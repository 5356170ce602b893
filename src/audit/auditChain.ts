import { createHash } from "node:crypto";

/** The prev_hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit entry that its hash covers: everything but its seq and the two hashes. */
export interface HashedAuditFields {
  id: string;
  actor: string;
  action: string;
  target: string;
  tenant_id: string | null;
  source: string;
  result: string;
  /** The entry's data as canonical JSON (`canonicalJson`), exactly as stored. */
  data: string;
  created_at: string;
}

/** A stored entry as the chain sees it: its hashed fields plus its link and hash. */
export interface ChainedAuditEntry extends HashedAuditFields {
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * An entry's hash: sha256 of the previous entry's hash followed by the canonical JSON of its fields.
 * Editing or deleting an entry therefore breaks the hash of every entry after it.
 */
export function chainHash(prevHash: string, fields: HashedAuditFields): string {
  const { id, actor, action, target, tenant_id, source, result, data, created_at } = fields;
  return createHash("sha256")
    .update(
      prevHash + canonicalJson({ id, actor, action, target, tenant_id, source, result, data, created_at }),
    )
    .digest("hex");
}

/** Why `entry` does not follow an entry whose hash is `expectedPrev`, or undefined when it does. */
export function chainBreak(expectedPrev: string, entry: ChainedAuditEntry): string | undefined {
  if (entry.prev_hash !== expectedPrev) return "prev_hash does not match the previous entry's hash";
  if (chainHash(entry.prev_hash, entry) !== entry.hash) return "entry content does not match its hash";
  return undefined;
}

/** JSON with object keys sorted at every level, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

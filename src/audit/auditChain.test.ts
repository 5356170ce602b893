import { describe, expect, it } from "vitest";
import { type ChainedAuditEntry, canonicalJson, chainBreak, chainHash, GENESIS_HASH } from "./auditChain.js";

const fields = {
  id: "01J0000000000000000000000",
  actor: "user:alice",
  action: "instance.deploy",
  target: "instance/acme/web",
  tenant_id: "t1",
  source: "cli",
  result: "ok",
  data: canonicalJson({ n: 1 }),
  created_at: "2026-01-01T00:00:00.000Z",
};

const chained = (prev: string): ChainedAuditEntry => ({
  ...fields,
  seq: 1,
  prev_hash: prev,
  hash: chainHash(prev, fields),
});

describe("audit chain", () => {
  it("writes JSON with keys sorted at every level, arrays kept in order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  it("hashes the fields alone: seq and the stored hashes are not part of an entry's hash", () => {
    expect(chainHash(GENESIS_HASH, chained(GENESIS_HASH))).toBe(chainHash(GENESIS_HASH, fields));
    expect(chainHash(GENESIS_HASH, fields)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("links each hash to the previous one", () => {
    expect(chainHash("a".repeat(64), fields)).not.toBe(chainHash(GENESIS_HASH, fields));
  });

  it("names what breaks the chain: a wrong link, or content that no longer matches its hash", () => {
    expect(chainBreak(GENESIS_HASH, chained(GENESIS_HASH))).toBeUndefined();
    expect(chainBreak("b".repeat(64), chained(GENESIS_HASH))).toMatch(/prev_hash/);
    expect(chainBreak(GENESIS_HASH, { ...chained(GENESIS_HASH), data: '{"n":2}' })).toMatch(/content/);
  });
});

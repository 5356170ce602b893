import { describe, expect, it } from "vitest";
import { type ChainedAuditEntry, canonicalJson, chainHash, GENESIS_HASH } from "./auditChain.js";
import { ChainVerifier, type ChainVerifierOptions } from "./chainVerifier.js";

/** A well-formed chain of `count` entries, seq 1 to count. */
function chain(count: number): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = {
      id: `E${seq}`,
      actor: "user:alice",
      action: "instance.deploy",
      target: `instance/acme/web-${seq}`,
      tenant_id: seq % 2 ? "t1" : "t2",
      source: "cli",
      result: "ok",
      data: canonicalJson({ seq }),
      created_at: `2026-01-01T00:00:${String(seq).padStart(2, "0")}.000Z`,
    };
    const hash = chainHash(prev, fields);
    entries.push({ ...fields, seq, prev_hash: prev, hash });
    prev = hash;
  }
  return entries;
}

function verify(entries: ChainedAuditEntry[], options?: ChainVerifierOptions) {
  const verifier = new ChainVerifier(options);
  for (const e of entries) if (!verifier.push(e)) break;
  return verifier.verdict();
}

describe("chain verifier", () => {
  it("answers a whole chain's length and head, and an empty one's genesis hash", () => {
    const entries = chain(4);
    expect(verify(entries)).toEqual({
      ok: true,
      length: 4,
      firstSeq: 1,
      headSeq: 4,
      headHash: entries[3]!.hash,
      gaps: 0,
    });
    expect(verify([])).toEqual({
      ok: true,
      length: 0,
      firstSeq: null,
      headSeq: null,
      headHash: GENESIS_HASH,
      gaps: 0,
    });
  });

  it("names an edited entry, and one edited and re-hashed by the entry before the next", () => {
    const edited = chain(4);
    edited[1] = { ...edited[1]!, result: "denied" };
    expect(verify(edited)).toMatchObject({ ok: false, checked: 1, broken: { seq: 2, problem: "edited" } });

    const rehashed = chain(4);
    const forged = { ...rehashed[1]!, result: "denied" };
    rehashed[1] = { ...forged, hash: chainHash(forged.prev_hash, forged) };
    expect(verify(rehashed)).toMatchObject({
      ok: false,
      checked: 2,
      broken: { seq: 2, id: "E2", problem: "relinked" },
    });
  });

  it("names the first deleted entry, at the start too", () => {
    const entries = chain(5);
    expect(verify([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({
      ok: false,
      broken: {
        seq: 3,
        id: null,
        problem: "deleted",
        message: "entry 3 was deleted: entry 4 (E4) does not link to entry 2",
      },
    });
    expect(verify(entries.slice(2))).toMatchObject({
      broken: {
        seq: 1,
        problem: "deleted",
        message: "entries 1-2 were deleted: entry 3 (E3) does not link to the start of the log",
      },
    });
  });

  it("names an entry moved before the one it follows", () => {
    const [a, b, c, d, e] = chain(5) as [ChainedAuditEntry, ...ChainedAuditEntry[]];
    const moved = [a, { ...d!, seq: 2 }, { ...b!, seq: 3 }, { ...c!, seq: 4 }, e!];
    expect(verify(moved)).toMatchObject({
      ok: false,
      checked: 1,
      broken: { seq: 2, id: "E4", problem: "reordered" },
    });
  });

  it("checks an export from any point, and a partial one across its gaps", () => {
    const entries = chain(6);
    expect(verify(entries.slice(2), { start: "anywhere" })).toMatchObject({
      ok: true,
      length: 4,
      firstSeq: 3,
    });
    const tenantOnly = entries.filter((e) => e.tenant_id === "t1");
    expect(verify(tenantOnly)).toMatchObject({ ok: false, broken: { problem: "deleted" } });
    expect(verify(tenantOnly, { partial: true })).toMatchObject({ ok: true, length: 3, gaps: 2 });
    const tampered = tenantOnly.map((e, i) => (i === 1 ? { ...e, actor: "user:mallory" } : e));
    expect(verify(tampered, { partial: true })).toMatchObject({
      ok: false,
      broken: { seq: 3, problem: "edited" },
    });
  });
});

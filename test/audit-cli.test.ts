import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, withTransaction } from "../src/store/database.js";
import { recordChange } from "../src/store/recordChange.js";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";

/** `aims audit verify` and `aims audit export` on the host's store, and checking exports offline. */
let install: TestInstall;
let head: { seq: number; hash: string };
const file = (name: string) => join(install.dataDir, name);

beforeAll(async () => {
  install = await createTestInstall("55070-55079");
  const store = await openStore({ databaseUrl: `sqlite://${file("aims.db")}`, dataDir: install.dataDir });
  for (let n = 1; n <= 6; n++) {
    const { audit } = await withTransaction(store.db, (trx) =>
      recordChange(trx, {
        event: { type: "tenant.test", tenantId: n % 2 ? "t-odd" : "t-even", data: { n } },
        audit: {
          actor: "user:ada",
          source: "cli",
          action: "tenant.test",
          target: `tenant/${n % 2 ? "odd" : "even"}`,
          tenantId: n % 2 ? "t-odd" : "t-even",
          result: "ok",
          data: { n },
        },
      }),
    );
    head = { seq: audit.seq, hash: audit.hash };
  }
  await store.db
    .insertInto("tenants")
    .values({ id: "t-odd", name: "odd", status: "active", plan: "team", created_at: "x", updated_at: "x" })
    .execute();
  await store.close();
});
afterAll(() => install.cleanup());

const lines = (text: string) => text.trim().split("\n");

describe("aims audit", () => {
  it("verifies the store's chain with its length and head hash", async () => {
    const r = await install.run(["audit", "verify"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`audit chain is whole: 6 entries, head entry ${head.seq} with hash ${head.hash}\n`);
  });

  it("exports JSON lines that verify offline; a tenant's export verifies across its gaps with --partial", async () => {
    const all = await install.run(["audit", "export"]);
    expect(all.code, all.stderr).toBe(0);
    expect(lines(all.stdout).map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3, 4, 5, 6]);
    writeFileSync(file("all.jsonl"), all.stdout);
    const offline = await install.json<{ ok: boolean; headHash: string }>([
      "audit",
      "verify",
      "--file",
      file("all.jsonl"),
    ]);
    expect(offline).toMatchObject({ ok: true, length: 6, headHash: head.hash });

    const odd = await install.run(["audit", "export", "--tenant", "odd"]);
    expect(lines(odd.stdout).map((l) => JSON.parse(l).seq)).toEqual([1, 3, 5]);
    writeFileSync(file("odd.jsonl"), odd.stdout);
    const strict = await install.run(["audit", "verify", "--file", file("odd.jsonl")]);
    expect(strict.code).toBe(8);
    expect(strict.stdout).toMatch(/is BROKEN at entry 2: entry 2 was deleted/);
    const partial = await install.run(["audit", "verify", "--file", file("odd.jsonl"), "--partial"]);
    expect(partial.code, partial.stdout).toBe(0);
    expect(partial.stdout).toMatch(
      /is whole: 3 entries, head entry 5 .*; 2 stretches of entries not in the file went unchecked/,
    );

    const since = await install.run(["audit", "export", "--since", "2999-01-01"]);
    expect(since).toMatchObject({ code: 0, stdout: "" });
  });

  it("names the first line of an export that was edited, deleted or swapped", async () => {
    const original = lines(readFileSync(file("all.jsonl"), "utf8"));
    const edited = original.map((l, i) => (i === 2 ? l.replace('"user:ada"', '"user:eve"') : l));
    const deleted = original.filter((_l, i) => i !== 3);
    const swapped = [original[0], original[2], original[1], ...original.slice(3)];
    for (const [name, text, seq, problem] of [
      ["edited", edited, 3, "edited"],
      ["deleted", deleted, 4, "deleted"],
      ["swapped", swapped, 3, "reordered"],
    ] as const) {
      writeFileSync(file(`${name}.jsonl`), `${text.join("\n")}\n`);
      const r = await install.run(["audit", "verify", "--file", file(`${name}.jsonl`), "--json"]);
      expect(r.code, name).toBe(8);
      expect(JSON.parse(r.stdout).broken, name).toMatchObject({ seq, problem });
    }
  });

  it("names an entry deleted from the store, and refuses a file that is not an export", async () => {
    const store = await openStore({ databaseUrl: `sqlite://${file("aims.db")}`, dataDir: install.dataDir });
    await store.db.deleteFrom("audit_entries").where("seq", "=", 3).execute();
    await store.close();
    const r = await install.run(["audit", "verify", "--json"]);
    expect(r.code).toBe(8);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      checked: 2,
      broken: { seq: 3, problem: "deleted" },
    });

    writeFileSync(file("junk.jsonl"), '{"seq":1}\n');
    const junk = await install.run(["audit", "verify", "--file", file("junk.jsonl")]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/^aims: invalid_input: .*junk\.jsonl line 1 is not an audit entry: /);
    const missing = await install.run(["audit", "verify", "--file", file("nope.jsonl")]);
    expect(missing.code).toBe(3);
    const partialAlone = await install.run(["audit", "verify", "--partial"]);
    expect(partialAlone.stderr).toMatch(/--partial checks an export file: give it with --file <file>/);
  });
});

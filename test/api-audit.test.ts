import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditEntryView, fromAuditView } from "../src/audit/auditView.js";
import { ChainVerifier } from "../src/audit/chainVerifier.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";

/** The audit chain's verification over the API and the CLI's remote mode, on each store. */
let f: ApiFixture;
let a: TenantWorld;
let base: string;
const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");

beforeAll(async () => {
  f = await createApiFixture();
  a = await buildTenant(f, "alpha");
  base = await f.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => f.close());

const operator = () => ({ key: f.operatorKey });

async function allEntries(): Promise<AuditEntryView[]> {
  const items: AuditEntryView[] = [];
  let cursor = "";
  for (;;) {
    const page = (await f.call("GET", `/v1/audit?limit=200${cursor}`, { as: operator() })).json();
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = `&cursor=${page.nextCursor}`;
  }
}

/** The CLI against this fixture's API (remote mode), as the operator. */
function remote(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, AIMS_URL: base, AIMS_API_KEY: f.operatorKey, AIMS_LOG_LEVEL: "silent" } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("GET /v1/audit/verify", () => {
  it("answers the operator the chain's length and head hash, which match the entries", async () => {
    const entries = await allEntries();
    expect(entries.length).toBeGreaterThan(10);
    const res = await f.call("GET", "/v1/audit/verify", { as: operator() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      ok: true,
      length: entries.length,
      firstSeq: 1,
      headSeq: entries.at(-1)!.seq,
      headHash: entries.at(-1)!.hash,
      gaps: 0,
    });
    // Anyone holding the entries recomputes the same chain from the views alone.
    const offline = new ChainVerifier();
    for (const e of entries) offline.push(fromAuditView(e));
    expect(offline.verdict()).toEqual(res.json());
  });

  it("is the operator's alone: a tenant owner is refused", async () => {
    for (const as of [a.owner.session, { key: a.ownerKey.key }, { key: a.serviceKey.key }]) {
      const res = await f.call("GET", "/v1/audit/verify", { as });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.message).toMatch(/only the operator .* may verify the audit chain/);
    }
  });

  it("lets a tenant's owner read its own entries with their hashes and links", async () => {
    const res = await f.call("GET", "/v1/tenants/alpha/audit?limit=200", { as: a.owner.session });
    const items = res.json().items as AuditEntryView[];
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.tenantId))).toEqual(new Set([a.id]));
    expect(items[0]).toMatchObject({ prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("in the CLI's remote mode: verifies, exports, and checks the export offline", async () => {
    const verified = await remote(["audit", "verify", "--json"]);
    expect(verified.code, verified.stderr).toBe(0);
    const verdict = JSON.parse(verified.stdout);
    expect(verdict).toMatchObject({ ok: true, length: (await allEntries()).length });

    const exported = await remote(["audit", "export"]);
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(f.dataDir, "audit.jsonl");
    writeFileSync(file, exported.stdout);
    const offline = await remote(["audit", "verify", "--file", file]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toBe(
      `audit export ${file} is whole: ${verdict.length} entries, head entry ${verdict.headSeq} with hash ${verdict.headHash}\n`,
    );

    const tenant = await remote(["audit", "export", "--tenant", "alpha", "--since", "2020-01-01"]);
    const lines = tenant.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditEntryView);
    expect(new Set(lines.map((l) => l.tenantId))).toEqual(new Set([a.id]));
  });

  it("names the first entry edited in the store, and the CLI exits 8", async () => {
    const entries = await allEntries();
    const victim = entries[4]!;
    await f.platform.store.db
      .updateTable("audit_entries")
      .set({ result: "denied" })
      .where("seq", "=", victim.seq)
      .execute();
    const res = await f.call("GET", "/v1/audit/verify", { as: operator() });
    expect(res.json()).toEqual({
      ok: false,
      checked: 4,
      broken: {
        seq: victim.seq,
        id: victim.id,
        problem: "edited",
        message: `entry ${victim.seq} (${victim.id}) was edited: its content does not match its hash`,
      },
    });
    const cli = await remote(["audit", "verify"]);
    expect(cli.code).toBe(8);
    expect(cli.stdout).toMatch(
      `audit chain is BROKEN at entry ${victim.seq}: entry ${victim.seq} (${victim.id}) was edited`,
    );
  });
});

import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { AWAIT_GO, raceProcesses } from "./support/raceProcesses.js";
import { openSse } from "./support/sseClient.js";

/**
 * Writers in several processes on one PostgreSQL database, as several `aims serve` and CLI runs are: the write
 * lock keeps event ids in commit order with no gaps (so a stream's cursor never skips a row committed late)
 * and the audit chain unforked.
 */
/** The compiled modules (test/support/globalSetup.ts builds dist/ first): five processes start in a second, not ten. */
const modules = {
  config: fileURLToPath(new URL("../dist/config.js", import.meta.url)),
  platform: fileURLToPath(new URL("../dist/platform.js", import.meta.url)),
  tenants: fileURLToPath(new URL("../dist/tenancy/tenants.js", import.meta.url)),
};
const PROCESSES = 5;
const EACH = 10;

let f: ApiFixture;
let base: string;

beforeAll(async () => {
  f = await createApiFixture({ api: { eventPollMs: 10, sseHeartbeatMs: 200 } });
  base = await f.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => f?.close());

/** A process of its own on the same database: the operator creating tenants through the operation itself. */
function writer(who: number): string {
  const overrides = {
    dataDir: f.dataDir,
    databaseUrl: f.cliEnv.AIMS_DATABASE_URL,
    proxy: { enabled: false },
  };
  return `
    const { loadConfig } = await import(${JSON.stringify(modules.config)});
    const { createPlatform } = await import(${JSON.stringify(modules.platform)});
    const { createTenant } = await import(${JSON.stringify(modules.tenants)});
    const p = await createPlatform(loadConfig({ env: {}, overrides: ${JSON.stringify(overrides)} }));
    const caller = {
      principal: { actor: "key:race-${who}", kind: "key", userId: null, platformAdmin: true, keyId: null,
        sessionId: null, tenantId: null, roleCap: null, scopes: null, expiresAt: null },
      source: "test ${who}",
    };
    ${AWAIT_GO}
    await Promise.all(Array.from({ length: ${EACH} }, (_, n) => createTenant(p, caller, { name: "w${who}-" + n })));
    await p.close();
  `;
}

describe("concurrent writers on PostgreSQL", () => {
  it("leave gap-free, ordered event ids, a whole audit chain, and a stream that sees each event once", async () => {
    const seqs = async () =>
      (await f.platform.store.db.selectFrom("events").select("seq").orderBy("seq").execute()).map(
        (r) => r.seq,
      );
    const before = await seqs();
    const stream = openSse(`${base}/v1/events`, { authorization: `Bearer ${f.operatorKey}` });
    expect(await stream.status).toBe(200);
    await stream.waitForComment();

    await raceProcesses(
      Array.from({ length: PROCESSES }, (_, who) => writer(who)),
      { typescript: false },
    );

    const after = await seqs();
    expect(after).toHaveLength(before.length + PROCESSES * EACH);
    expect(after).toEqual(after.map((_seq, i) => i + 1));
    const received = await stream.waitFor(PROCESSES * EACH, 30_000);
    stream.close();
    expect(received.map((e) => Number(e.id))).toEqual(after.slice(before.length));
    expect(new Set(received.map((e) => JSON.parse(e.data).subject)).size).toBe(PROCESSES * EACH);

    const chain = await f.call("GET", "/v1/audit/verify", { as: { key: f.operatorKey } });
    const audited = await f.platform.store.db
      .selectFrom("audit_entries")
      .select("seq")
      .orderBy("seq")
      .execute();
    expect(chain.json()).toMatchObject({ ok: true, length: audited.length, headSeq: audited.length });
    const actors = await f.platform.store.db
      .selectFrom("audit_entries")
      .select(["actor", (eb) => eb.fn.countAll().as("n")])
      .where("action", "=", "tenant.create")
      .groupBy("actor")
      .orderBy("actor")
      .execute();
    expect(actors).toEqual(
      Array.from({ length: PROCESSES }, (_, who) => ({ actor: `key:race-${who}`, n: EACH })),
    );
  }, 120_000);
});

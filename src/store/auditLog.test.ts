import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AWAIT_GO, raceProcesses } from "../../test/support/raceProcesses.js";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import { GENESIS_HASH } from "../audit/auditChain.js";
import { appendAudit, type NewAuditEntry, verifyAuditChain } from "./auditLog.js";
import { type Store, withTransaction } from "./database.js";
import { listEvents } from "./eventLog.js";
import { recordChange } from "./recordChange.js";

const modules = {
  database: fileURLToPath(new URL("./database.ts", import.meta.url)),
  audit: fileURLToPath(new URL("./auditLog.ts", import.meta.url)),
};

let t: TestStore;
let store: Store;
const config = () => t.config;

beforeEach(async () => {
  t = await openTestStore();
  store = t.store;
});
afterEach(() => t.close());

const entry = (n: number): NewAuditEntry => ({
  actor: "user:alice",
  action: "instance.deploy",
  target: `instance/acme/cache-${n}`,
  tenantId: "t1",
  source: "cli",
  result: "ok",
  data: { n, nested: { b: 2, a: 1 } },
});

describe("audit log", () => {
  it("chains entries from the genesis hash and verifies", async () => {
    const rows = [];
    for (let n = 0; n < 3; n++)
      rows.push(await withTransaction(store.db, (trx) => appendAudit(trx, entry(n))));
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[0]!.data).toBe('{"n":0,"nested":{"a":1,"b":2}}');
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, checked: 3 });
  });

  it("reports the first tampered entry", async () => {
    const rows = [];
    for (let n = 0; n < 4; n++)
      rows.push(await withTransaction(store.db, (trx) => appendAudit(trx, entry(n))));
    const target = rows[2]!;
    await store.db
      .updateTable("audit_entries")
      .set({ data: '{"n":99}' })
      .where("seq", "=", target.seq)
      .execute();
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAtSeq: target.seq });
  });

  it("reports a deleted entry at the entry after it", async () => {
    const rows = [];
    for (let n = 0; n < 3; n++)
      rows.push(await withTransaction(store.db, (trx) => appendAudit(trx, entry(n))));
    await store.db.deleteFrom("audit_entries").where("seq", "=", rows[1]!.seq).execute();
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAtSeq: rows[2]!.seq });
  });

  it("recordChange writes the event and the audit entry together, or neither", async () => {
    const change = {
      event: { type: "tenant.created", tenantId: "t1", subject: "acme", data: {} },
      audit: entry(1),
    };
    await withTransaction(store.db, (trx) => recordChange(trx, change));
    await expect(
      withTransaction(store.db, async (trx) => {
        await recordChange(trx, change);
        throw new Error("the change itself failed");
      }),
    ).rejects.toThrow("the change itself failed");

    expect(await listEvents(store.db)).toHaveLength(1);
    const { count } = await store.db
      .selectFrom("audit_entries")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow();
    expect(count).toBe(1);
  });

  it("does not fork when two processes append at the same time", async () => {
    const code = (who: string) => `
      const { openStore, withTransaction } = await import(${JSON.stringify(modules.database)});
      const { appendAudit } = await import(${JSON.stringify(modules.audit)});
      const store = await openStore(${JSON.stringify(config())});
      ${AWAIT_GO}
      for (let n = 0; n < 40; n++) {
        await withTransaction(store.db, (trx) =>
          appendAudit(trx, { actor: "${who}", action: "test", target: "t", source: "test", result: "ok", data: { n } }),
        );
      }
      await store.close();
    `;
    await raceProcesses([code("a"), code("b")]);
    const actors = await sql<{
      actor: string;
      n: number;
    }>`select actor, count(*) as n from audit_entries group by actor`.execute(store.db);
    expect(actors.rows).toEqual([
      { actor: "a", n: 40 },
      { actor: "b", n: 40 },
    ]);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, checked: 80 });
  }, 20_000);
});

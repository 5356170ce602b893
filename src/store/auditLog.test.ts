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

/** Compiled (test/support/globalSetup.ts builds dist/ first): the racing processes start faster. */
const modules = {
  database: fileURLToPath(new URL("../../dist/store/database.js", import.meta.url)),
  audit: fileURLToPath(new URL("../../dist/store/auditLog.js", import.meta.url)),
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

async function appendMany(count: number) {
  const rows = [];
  for (let n = 0; n < count; n++)
    rows.push(await withTransaction(store.db, (trx) => appendAudit(trx, entry(n))));
  return rows;
}

describe("audit log", () => {
  it("chains entries from the genesis hash and verifies with its length and head hash", async () => {
    const rows = await appendMany(3);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[0]!.data).toBe('{"n":0,"nested":{"a":1,"b":2}}');
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: true,
      length: 3,
      firstSeq: 1,
      headSeq: 3,
      headHash: rows[2]!.hash,
      gaps: 0,
    });
  });

  it("names an entry edited in the database", async () => {
    const rows = await appendMany(5);
    await store.db.updateTable("audit_entries").set({ data: '{"n":99}' }).where("seq", "=", 3).execute();
    await store.db.updateTable("audit_entries").set({ actor: "user:mallory" }).where("seq", "=", 4).execute();
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      checked: 2,
      broken: {
        seq: 3,
        id: rows[2]!.id,
        problem: "edited",
        message: `entry 3 (${rows[2]!.id}) was edited: its content does not match its hash`,
      },
    });
  });

  it("names entries deleted from the database", async () => {
    const rows = await appendMany(6);
    await store.db.deleteFrom("audit_entries").where("seq", "in", [3, 4]).execute();
    expect(await verifyAuditChain(store.db)).toMatchObject({
      ok: false,
      checked: 2,
      broken: {
        seq: 3,
        id: null,
        problem: "deleted",
        message: `entries 3-4 were deleted: entry 5 (${rows[4]!.id}) does not link to entry 2`,
      },
    });
  });

  it("names entries swapped in the database", async () => {
    const rows = await appendMany(5);
    // Swap 2 and 3 whole (hashes and all), as someone reordering history would.
    await store.db.updateTable("audit_entries").set({ seq: -1 }).where("seq", "=", 2).execute();
    await store.db.updateTable("audit_entries").set({ seq: 2 }).where("seq", "=", 3).execute();
    await store.db.updateTable("audit_entries").set({ seq: 3 }).where("seq", "=", -1).execute();
    expect(await verifyAuditChain(store.db)).toMatchObject({
      ok: false,
      checked: 1,
      broken: { seq: 2, id: rows[2]!.id, problem: "reordered" },
    });
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
    await raceProcesses([code("a"), code("b")], { typescript: false });
    const actors = await sql<{
      actor: string;
      n: number;
    }>`select actor, count(*) as n from audit_entries group by actor`.execute(store.db);
    expect(actors.rows).toEqual([
      { actor: "a", n: 40 },
      { actor: "b", n: 40 },
    ]);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, length: 80, headSeq: 80 });
  }, 20_000);
});

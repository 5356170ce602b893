import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AWAIT_GO, raceProcesses } from "../../test/support/raceProcesses.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/testStore.js";
import { openStore } from "./database.js";
import { migrations } from "./migrations/index.js";
import { insertTenant } from "./tenantRepository.js";

/** Compiled (test/support/globalSetup.ts builds dist/ first): the racing processes start faster. */
const databaseModule = fileURLToPath(new URL("../../dist/store/database.js", import.meta.url));

let dir: string;
let database: TestDatabase;
const config = () => ({ databaseUrl: database.databaseUrl, dataDir: dir });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "aims-pg-"));
  database = await createTestDatabase(dir, "postgres", { empty: true });
});
afterEach(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("openStore on PostgreSQL", () => {
  it("migrates an empty database, keeps one installation id across opens, and counts as numbers", async () => {
    const first = await openStore(config());
    expect(first.kind).toBe("postgres");
    expect(first.location).not.toMatch(/:[0-9a-f]{36}@/);
    await insertTenant(first.db, { name: "acme", plan: "team" });
    await first.close();
    const second = await openStore(config());
    const { n } = await second.db
      .selectFrom("tenants")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
    await second.close();
    expect(second.installationId).toBe(first.installationId);
    expect(n).toBe(1);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
  });

  it("rolls a failed migration back whole and names it", async () => {
    const broken = {
      up: async (db: Kysely<unknown>) => {
        await db.schema.createTable("half_done").addColumn("id", "text").execute();
        throw new Error("boom");
      },
    };
    const attempt = openStore(config(), { migrations: { ...migrations, "9999_broken": broken } });
    await expect(attempt).rejects.toMatchObject({
      code: "unavailable",
      message: "database migration 9999_broken failed: boom",
    });
    // The whole batch ran in one transaction: not even 0001 is left behind.
    const store = await openStore(config());
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = 'public' and table_name = 'half_done'`.execute(
      store.db,
    );
    await store.close();
    expect(tables.rows).toEqual([]);
  });

  it("says why it cannot reach the server, without echoing the password", async () => {
    const refused = openStore({ databaseUrl: "postgres://aims:hunter2@127.0.0.1:1/aims", dataDir: dir });
    await expect(refused).rejects.toMatchObject({ code: "unavailable" });
    await expect(refused).rejects.toThrow(
      /^cannot reach PostgreSQL at postgres:\/\/aims@127\.0\.0\.1:1\/aims: connect ECONNREFUSED .*is the server running\?/,
    );
    await expect(refused).rejects.not.toThrow(/hunter2/);

    const url = new URL(database.databaseUrl);
    url.password = "wrong-password";
    const denied = openStore({ databaseUrl: url.toString(), dataDir: dir });
    await expect(denied).rejects.toMatchObject({ code: "unavailable" });
    await expect(denied).rejects.toThrow(/password authentication failed .*check the user and password/);
    await expect(denied).rejects.not.toThrow(/wrong-password/);
  });

  it("ends with one installation row when several processes open the same fresh database at once", async () => {
    const code = `
      const { openStore } = await import(${JSON.stringify(databaseModule)});
      ${AWAIT_GO}
      const store = await openStore(${JSON.stringify(config())});
      console.log(store.installationId);
      await store.close();
    `;
    const ids = (await raceProcesses([code, code, code, code], { typescript: false })).map((out) =>
      out.trim(),
    );
    expect(new Set(ids).size).toBe(1);
    const store = await openStore(config());
    const rows = await store.db.selectFrom("installations").select("id").execute();
    await store.close();
    expect(rows).toEqual([{ id: ids[0] }]);
  }, 30_000);
});

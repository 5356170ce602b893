import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import SqliteDatabase from "better-sqlite3";
import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AWAIT_GO, raceProcesses } from "../../test/support/raceProcesses.js";
import { AimsError } from "../domain/errors.js";
import { openStore } from "./database.js";
import { migrations } from "./migrations/index.js";
import { insertTenant } from "./tenantRepository.js";

const databaseModule = fileURLToPath(new URL("./database.ts", import.meta.url));

let dir: string;
let file: string;
const config = () => ({ databaseUrl: `sqlite://${file}`, dataDir: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aims-db-"));
  file = join(dir, "nested", "aims.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sqliteNames(path: string, type: "table" | "index"): string[] {
  const handle = new SqliteDatabase(path, { readonly: true });
  try {
    const rows = handle.prepare("select name from sqlite_master where type = ? order by name").all(type);
    return (rows as Array<{ name: string }>).map((r) => r.name);
  } finally {
    handle.close();
  }
}

const addColumn = {
  up: async (db: Kysely<unknown>) => {
    await db.schema.alterTable("tenants").addColumn("colour", "text").execute();
  },
};

describe("openStore", () => {
  it("creates every table and index, with the SQLite pragmas set", async () => {
    const store = await openStore(config());
    const handle = new SqliteDatabase(file);
    expect(handle.pragma("journal_mode", { simple: true })).toBe("wal");
    handle.close();
    await store.close();
    expect(sqliteNames(file, "table")).toEqual(
      expect.arrayContaining([
        "allocations",
        "audit_entries",
        "events",
        "installations",
        "instance_secrets",
        "instances",
        "tenants",
        "kysely_migration",
      ]),
    );
    expect(sqliteNames(file, "index")).toEqual(
      expect.arrayContaining([
        "tenants_name_unique",
        "instances_tenant_name_active_unique",
        "instances_tenant_id",
        "allocations_instance_id",
        "events_tenant_seq",
      ]),
    );
  });

  it("keeps one installation id across opens and does not re-run applied migrations", async () => {
    let runs = 0;
    const counted = { ...migrations, "9999_counted": { up: async () => void runs++ } };
    const first = await openStore(config(), { migrations: counted });
    await first.close();
    const second = await openStore(config(), { migrations: counted });
    const rows = await second.db.selectFrom("installations").selectAll().execute();
    await second.close();
    expect(runs).toBe(1);
    expect(rows).toEqual([expect.objectContaining({ id: first.installationId })]);
    expect(second.installationId).toBe(first.installationId);
  });

  it("takes no backup of a fresh database", async () => {
    const store = await openStore(config());
    await store.close();
    expect(readdirSync(join(dir, "nested")).filter((f) => f.includes(".bak-"))).toEqual([]);
  });

  it("copies an existing database aside before applying a pending migration", async () => {
    const old = await openStore(config());
    await insertTenant(old.db, { name: "acme", plan: "team" });
    await old.close();

    const upgraded = await openStore(config(), {
      migrations: { ...migrations, "9999_tenant_colour": addColumn },
    });
    await upgraded.close();

    const backups = readdirSync(join(dir, "nested")).filter((f) => f.includes(".bak-"));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^aims\.db\.bak-\d{8}T\d{6}\.\d{3}Z-before-9999_tenant_colour$/);
    const copy = new SqliteDatabase(join(dir, "nested", backups[0]!), { readonly: true });
    const columns = (copy.pragma("table_info(tenants)") as Array<{ name: string }>).map((c) => c.name);
    const names = copy.prepare("select name from tenants").all();
    copy.close();
    expect(names).toEqual([{ name: "acme" }]);
    expect(columns).not.toContain("colour");
  });

  it("rolls a failed migration back and names it and the backup", async () => {
    const old = await openStore(config());
    await old.close();
    const broken = {
      up: async (db: Kysely<unknown>) => {
        await db.schema.createTable("half_done").addColumn("id", "text").execute();
        throw new Error("boom");
      },
    };
    const attempt = openStore(config(), { migrations: { ...migrations, "9999_broken": broken } });
    await expect(attempt).rejects.toBeInstanceOf(AimsError);
    await expect(attempt).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(
        /^database migration 9999_broken failed: boom; your previous database was copied to .*aims\.db\.bak-.*-before-9999_broken$/,
      ),
    });
    expect(sqliteNames(file, "table")).not.toContain("half_done");
    const reopened = await openStore(config());
    await reopened.close();
  });

  it("refuses an unknown scheme naming the two it knows, without echoing a password", async () => {
    const attempt = openStore({ databaseUrl: "mysql://aims:hunter2@db/aims", dataDir: dir });
    await expect(attempt).rejects.toMatchObject({ code: "invalid_input" });
    await expect(attempt).rejects.toThrow(
      /unsupported database URL scheme "mysql": use sqlite:\/\/<path> .* or postgres:\/\/<user>:<password>@<host>:<port>\/<database>/,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it("ends with one installation row when several processes open the same fresh file at once", async () => {
    const code = `
      const { openStore } = await import(${JSON.stringify(databaseModule)});
      ${AWAIT_GO}
      const store = await openStore(${JSON.stringify(config())});
      console.log(store.installationId);
      await store.close();
    `;
    const ids = (await raceProcesses([code, code, code, code])).map((out) => out.trim());
    expect(new Set(ids).size).toBe(1);
    const handle = new SqliteDatabase(file, { readonly: true });
    const rows = handle.prepare("select id from installations").all();
    handle.close();
    expect(rows).toEqual([{ id: ids[0] }]);
  }, 20_000);
});

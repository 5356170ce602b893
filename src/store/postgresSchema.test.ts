import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/testStore.js";
import { openStore, type Store } from "./database.js";
import type { Database } from "./schema.js";

/** table → column → "type not-null" (a primary key column is not null on both: SQLite's text keys are not, strictly). */
type Shape = Record<string, Record<string, string>>;

let dir: string;
let database: TestDatabase;
let sqlite: Store;
let postgres: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aims-schema-"));
  database = await createTestDatabase(dir, "postgres", { empty: true });
  sqlite = await openStore({ databaseUrl: `sqlite://${join(dir, "aims.db")}`, dataDir: dir });
  postgres = await openStore({ databaseUrl: database.databaseUrl, dataDir: dir });
});
afterAll(async () => {
  await sqlite?.close();
  await postgres?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function sqliteShape(db: Kysely<Database>): Promise<Shape> {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(
    db,
  );
  const shape: Shape = {};
  for (const { name } of tables.rows) {
    const columns = await sql<{
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }>`select name, type, "notnull", pk from pragma_table_info(${name})`.execute(db);
    shape[name] = Object.fromEntries(
      columns.rows.map((c) => [c.name, `${c.type.toLowerCase()} ${c.notnull || c.pk ? "not null" : "null"}`]),
    );
  }
  return shape;
}

async function postgresShape(db: Kysely<Database>): Promise<Shape> {
  const columns = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>`select table_name, column_name, data_type, is_nullable from information_schema.columns
     where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(db);
  const shape: Shape = {};
  for (const c of columns.rows) {
    const table = shape[c.table_name] ?? {};
    table[c.column_name] = `${c.data_type} ${c.is_nullable === "YES" ? "null" : "not null"}`;
    shape[c.table_name] = table;
  }
  return shape;
}

/** Index names a migration created (not the ones behind primary keys and unique columns). */
async function sqliteIndexes(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'index' and sql is not null order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

async function postgresIndexes(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select i.relname as name from pg_index x
     join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
     where n.nspname = current_schema() and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
     order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Every migration (src/store/migrations/index.ts, new ones included as they are added) applied to an empty
 * SQLite file and an empty PostgreSQL database gives the same tables, columns, types, nullability and indexes:
 * a migration that uses an SQLite-only type or statement fails here, not on an operator's server.
 */
describe("migrations on SQLite and PostgreSQL", () => {
  it("give the same tables and columns", async () => {
    const [lite, pg] = await Promise.all([sqliteShape(sqlite.db), postgresShape(postgres.db)]);
    expect(Object.keys(pg).sort()).toEqual(Object.keys(lite).sort());
    expect(Object.keys(lite)).toContain("audit_entries");
    for (const table of Object.keys(lite)) expect({ [table]: pg[table] }).toEqual({ [table]: lite[table] });
  });

  it("give the same indexes", async () => {
    expect(await postgresIndexes(postgres.db)).toEqual(await sqliteIndexes(sqlite.db));
  });
});

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { type OpenStoreOptions, openStore, type Store, type StoreKind } from "../../src/store/database.js";
import { dropDatabase, queryOnce } from "./postgresRole.js";

/** The store this vitest project tests: `postgres` in the postgres project (AIMS_TEST_STORE), else `sqlite`. */
export const TEST_STORE: StoreKind = process.env.AIMS_TEST_STORE === "postgres" ? "postgres" : "sqlite";

/** A fresh, empty database for one test, and how to get rid of it. */
export interface TestDatabase {
  databaseUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh database of `kind` (default: this project's store): the file `aims.db` in `dataDir`, or a new
 * PostgreSQL database owned by the run's role (test/support/postgresSetup.ts), dropped by `drop()`. On
 * PostgreSQL it is a copy of the run's migrated template unless `empty` (a test of migrations themselves).
 */
export async function createTestDatabase(
  dataDir: string,
  kind: StoreKind = TEST_STORE,
  options: { empty?: boolean } = {},
): Promise<TestDatabase> {
  if (kind === "sqlite")
    return { databaseUrl: `sqlite://${join(dataDir, "aims.db")}`, drop: async () => undefined };
  const maintenance = inject("postgresUrl");
  if (!maintenance) throw new Error("no PostgreSQL for this test: run it in the postgres vitest project");
  const url = new URL(maintenance);
  const name = `${url.username}_${randomBytes(5).toString("hex")}`;
  const template = options.empty ? "template0" : inject("postgresTemplate");
  await queryOnce(maintenance, `create database ${name} template ${template}`);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: () => dropDatabase(maintenance, name),
  };
}

/** A store on a fresh test database in a fresh data dir; `close()` closes it and drops both. */
export interface TestStore {
  store: Store;
  dataDir: string;
  /** What openStore was given: open the same database again (another process, a reopen). */
  config: { databaseUrl: string; dataDir: string };
  close(): Promise<void>;
}

/** Opens a fresh test store of this project's kind (or `kind`). */
export async function openTestStore(
  options: OpenStoreOptions & { kind?: StoreKind } = {},
): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), "aims-store-"));
  const database = await createTestDatabase(dataDir, options.kind, { empty: Boolean(options.migrations) });
  const config = { databaseUrl: database.databaseUrl, dataDir };
  const store = await openStore(config, options);
  return {
    store,
    dataDir,
    config,
    async close() {
      await store.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

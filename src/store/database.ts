import { Kysely, type Migration, type Transaction } from "kysely";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import type { Backend, StoreKind } from "./backend.js";
import { migrationsFor } from "./migrations/index.js";
import { runMigrations } from "./migrations/runMigrations.js";
import type { Database } from "./schema.js";

export type { StoreKind } from "./backend.js";

/** Anything a repository can run queries on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** An open database: the query builder, this installation's id, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  installationId: string;
  /** Which database it is. */
  kind: StoreKind;
  /** Where, for messages: the SQLite file, or `postgres://user@host:port/db` (never a password). */
  location: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** The migrations to apply (tests pass a subset or an extra one); defaults to all of them. */
  migrations?: Record<string, Migration>;
}

/**
 * Opens the database named by `databaseUrl`, applies pending migrations and ensures the installation row.
 * `sqlite://<path>` is the embedded default; `postgres://user:password@host:port/database` is PostgreSQL.
 * @example const store = await openStore({ databaseUrl: "sqlite:///var/lib/aims/aims.db", dataDir: "/var/lib/aims" });
 */
export async function openStore(
  config: { databaseUrl: string; dataDir: string; defaultPlan?: string },
  options: OpenStoreOptions = {},
): Promise<Store> {
  const backend = await createBackend(config.databaseUrl, config.dataDir);
  await backend.reach();
  const db = new Kysely<Database>({ dialect: backend.dialect });
  try {
    await runMigrations(
      db,
      options.migrations ?? migrationsFor({ defaultPlan: config.defaultPlan ?? "team" }),
      (name) => backend.backupBeforeMigration(name),
    );
    const installationId = await ensureInstallation(db);
    return {
      db,
      installationId,
      kind: backend.kind,
      location: backend.location,
      close: () => db.destroy(),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/**
 * Runs `fn` in one write transaction. Writers queue rather than fork: on SQLite it starts with BEGIN IMMEDIATE,
 * on PostgreSQL with the write lock (src/store/postgresBackend.ts).
 */
export function withTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(fn);
}

/** True when a database error is a unique or primary-key violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}

/** The one place a database URL becomes a backend; only the driver of the one in use is loaded. */
export async function createBackend(databaseUrl: string, dataDir: string): Promise<Backend> {
  const scheme = storeKindOf(databaseUrl);
  if (scheme === "sqlite") {
    const { createSqliteBackend, sqlitePath } = await import("./sqliteBackend.js");
    return createSqliteBackend(sqlitePath(databaseUrl, dataDir));
  }
  if (scheme === "postgres") return (await import("./postgresBackend.js")).createPostgresBackend(databaseUrl);
  // Never echo the URL itself: it may carry a password.
  throw new AimsError(
    "invalid_input",
    `unsupported database URL scheme "${urlScheme(databaseUrl) ?? "(none)"}": use sqlite://<path> (default sqlite://<dataDir>/aims.db) or postgres://<user>:<password>@<host>:<port>/<database>`,
  );
}

/** Which store a database URL names (`sqlite:`, `postgres:` or `postgresql:`), or undefined for anything else. */
export function storeKindOf(databaseUrl: string): StoreKind | undefined {
  const scheme = urlScheme(databaseUrl);
  if (scheme === "sqlite") return "sqlite";
  if (scheme === "postgres" || scheme === "postgresql") return "postgres";
  return undefined;
}

function urlScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Returns this installation's id, creating the single row the first time. The row, once there, never changes,
 * so it is read first without a lock; only a first open writes. The write transaction (BEGIN IMMEDIATE, or
 * PostgreSQL's write lock) makes that read-then-insert race-free across processes.
 */
async function ensureInstallation(db: Kysely<Database>): Promise<string> {
  const known = await db.selectFrom("installations").select("id").orderBy("created_at").executeTakeFirst();
  if (known) return known.id;
  return withTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom("installations")
      .select("id")
      .orderBy("created_at")
      .executeTakeFirst();
    if (existing) return existing.id;
    const id = newId();
    await trx.insertInto("installations").values({ id, created_at: new Date().toISOString() }).execute();
    return id;
  });
}

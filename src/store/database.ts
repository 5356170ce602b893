import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  Kysely,
  type Migration,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type Transaction,
} from "kysely";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { makePrivateFile, makeSidecarsPrivate } from "./fileModes.js";
import { migrationsFor } from "./migrations/index.js";
import { runMigrations } from "./migrations/runMigrations.js";
import type { Database } from "./schema.js";

/** Anything a repository can run queries on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** An open database: the query builder, this installation's id, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  installationId: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** The migrations to apply (tests pass a subset or an extra one); defaults to all of them. */
  migrations?: Record<string, Migration>;
}

/** A dialect plus what the backend can do before migrating (copy itself aside). */
interface Backend {
  dialect: Dialect;
  /** Copies a non-empty database aside and returns the copy's path; undefined when there is nothing to copy. */
  backupBeforeMigration(firstPendingMigration: string): Promise<string | undefined>;
}

/**
 * Opens the database named by `databaseUrl`, applies pending migrations and ensures the installation row.
 * @example const store = await openStore({ databaseUrl: "sqlite:///var/lib/aims/aims.db", dataDir: "/var/lib/aims" });
 */
export async function openStore(
  config: { databaseUrl: string; dataDir: string; defaultPlan?: string },
  options: OpenStoreOptions = {},
): Promise<Store> {
  const backend = createBackend(config.databaseUrl, config.dataDir);
  const db = new Kysely<Database>({ dialect: backend.dialect });
  try {
    await runMigrations(
      db,
      options.migrations ?? migrationsFor({ defaultPlan: config.defaultPlan ?? "team" }),
      (name) => backend.backupBeforeMigration(name),
    );
    const installationId = await ensureInstallation(db);
    return { db, installationId, close: () => db.destroy() };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** Runs `fn` in one write transaction; on SQLite it starts with BEGIN IMMEDIATE, so writers queue rather than fork. */
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

/** The one place a database URL becomes a dialect: PostgreSQL slots in here. */
function createBackend(databaseUrl: string, dataDir: string): Backend {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1]?.toLowerCase();
  if (scheme === "sqlite") return createSqliteBackend(sqlitePath(databaseUrl, dataDir));
  // Never echo the URL itself: it may carry a password.
  throw new AimsError(
    "invalid_input",
    `unsupported database URL scheme "${scheme ?? "(none)"}": PostgreSQL support arrives in a later release; use sqlite://<path> (default sqlite://<dataDir>/aims.db)`,
  );
}

/** `sqlite:///abs/path.db` → /abs/path.db; a relative path is relative to the data dir; `sqlite://:memory:` stays. */
function sqlitePath(databaseUrl: string, dataDir: string): string {
  const path = decodeURIComponent(databaseUrl.replace(/^sqlite:(\/\/)?/i, ""));
  if (path === "")
    throw new AimsError("invalid_input", "database URL sqlite:// names no file; use sqlite://<path>");
  if (path === ":memory:") return path;
  return isAbsolute(path) ? path : resolve(dataDir, path);
}

function createSqliteBackend(path: string): Backend {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // The database holds sealed secrets, key hashes and the audit log: only this user reads it.
    makePrivateFile(path);
  }
  const handle = new SqliteDatabase(path, { timeout: 5000 });
  handle.pragma("busy_timeout = 5000");
  handle.pragma("journal_mode = WAL");
  if (path !== ":memory:") makeSidecarsPrivate(path);
  handle.pragma("foreign_keys = ON");
  handle.pragma("synchronous = NORMAL");
  return {
    dialect: new ImmediateSqliteDialect({ database: handle }),
    async backupBeforeMigration(firstPending) {
      if (path === ":memory:") return undefined;
      const { count } = handle.prepare("select count(*) as count from sqlite_master").get() as {
        count: number;
      };
      if (count === 0) return undefined;
      const stamp = new Date().toISOString().replace(/[-:]/g, "");
      const target = `${path}.bak-${stamp}-before-${firstPending}`;
      makePrivateFile(target);
      // The online backup API copies a consistent snapshot, WAL included.
      await handle.backup(target);
      return target;
    },
  };
}

/**
 * Every Kysely transaction on SQLite starts with BEGIN IMMEDIATE: it takes the write lock up front (waiting up to
 * busy_timeout), so a read-then-write transaction (audit chain head, installation row, migrations) never races a
 * writer in another process. Kysely's SqliteAdapter also reports no transactional DDL, which would run
 * migrations outside any transaction; SQLite does support it, so migrations run in one transaction and roll back whole.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Returns this installation's id, creating the single row the first time. The row, once there, never changes,
 * so it is read first without a lock; only a first open writes. On SQLite, BEGIN IMMEDIATE makes that
 * read-then-insert race-free across processes; PostgreSQL will need a table lock here.
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

import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import { AimsError } from "../domain/errors.js";
import type { Backend } from "./backend.js";
import { makePrivateFile, makeSidecarsPrivate } from "./fileModes.js";

/** `sqlite:///abs/path.db` → /abs/path.db; a relative path is relative to the data dir; `sqlite://:memory:` stays. */
export function sqlitePath(databaseUrl: string, dataDir: string): string {
  const path = decodeURIComponent(databaseUrl.replace(/^sqlite:(\/\/)?/i, ""));
  if (path === "")
    throw new AimsError("invalid_input", "database URL sqlite:// names no file; use sqlite://<path>");
  if (path === ":memory:") return path;
  return isAbsolute(path) ? path : resolve(dataDir, path);
}

/** The SQLite file at `path`: WAL, foreign keys on, private file modes, every transaction BEGIN IMMEDIATE. */
export function createSqliteBackend(path: string): Backend {
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
    kind: "sqlite",
    location: path,
    dialect: new ImmediateSqliteDialect({ database: handle }),
    reach: async () => undefined,
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

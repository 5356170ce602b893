import {
  CompiledQuery,
  type DatabaseConnection,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type TransactionSettings,
} from "kysely";
import pg from "pg";
import { AimsError } from "../domain/errors.js";
import type { Backend } from "./backend.js";

/**
 * The advisory lock every write transaction takes first (two-key form: "AIMS", 1). One writer at a time, as
 * SQLite's BEGIN IMMEDIATE gives: event and audit ids then follow commit order (the SSE cursor never skips a
 * row committed late), the audit chain head is read and extended by one writer, and the read-then-write
 * transactions (leases, quota checks, the installation row) never race. Reads take no lock and run in parallel.
 */
export const WRITE_LOCK = "pg_advisory_xact_lock(1095322963, 1)";

/** A 64-bit integer (count(*), sum) read as a number, as SQLite answers it: AIMS's counts stay far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/** `postgres://aims:secret@db:5432/aims?sslmode=require` → `postgres://aims@db:5432/aims`: for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    url.password = "";
    url.search = "";
    return url.toString();
  } catch {
    return databaseUrl.replace(/\/\/[^@/]*@/, "//***@").replace(/\?.*$/, "");
  }
}

/** A PostgreSQL database by URL, through a `pg` pool; every transaction takes the write lock. */
export function createPostgresBackend(databaseUrl: string): Backend {
  const location = redactDatabaseUrl(databaseUrl);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    application_name: "aims",
    connectionTimeoutMillis: 10_000,
    // A process that hangs inside a transaction holds the write lock: the server ends it after a minute.
    idle_in_transaction_session_timeout: 60_000,
    types,
  });
  // An idle connection the server closed (a restart): the pool drops it, the next query reconnects.
  pool.on("error", () => undefined);
  return {
    kind: "postgres",
    location,
    dialect: new SerialisedPostgresDialect({ pool }),
    async reach() {
      try {
        const client = await pool.connect();
        client.release();
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw new AimsError("unavailable", `cannot reach PostgreSQL at ${location}: ${whyUnreachable(err)}`);
      }
    },
    // DDL is transactional on PostgreSQL: a failed migration rolls back whole, nothing to copy aside.
    backupBeforeMigration: async () => undefined,
  };
}

/** The server's or the socket's reason, with what to do about the common ones. */
function whyUnreachable(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  const reason = e.message || e.errors?.[0]?.message || e.code || String(err);
  switch (e.code) {
    case "ECONNREFUSED":
      return `${reason} (is the server running? Debian: pg_ctlcluster 15 main start)`;
    case "ENOTFOUND":
      return `${reason} (check the host name in databaseUrl)`;
    case "28P01":
    case "28000":
      return `${reason} (check the user and password in databaseUrl)`;
    case "3D000":
      return `${reason} (create it first: createdb -O <user> <database>)`;
    default:
      return reason;
  }
}

class SerialisedPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): PostgresDriver {
    return new SerialisedPostgresDriver(this.#config);
  }
}

class SerialisedPostgresDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw(`select ${WRITE_LOCK}`));
  }
}

import type { Dialect } from "kysely";

/** The two databases AIMS runs on: SQLite (embedded, the default) and PostgreSQL (`databaseUrl: postgres://…`). */
export type StoreKind = "sqlite" | "postgres";

/** A dialect plus what the backend does around opening and migrating. */
export interface Backend {
  kind: StoreKind;
  dialect: Dialect;
  /** Where the database is, for messages: a file path, or `postgres://user@host:port/db` (never a password). */
  location: string;
  /** Fails with AimsError("unavailable") saying why when the database cannot be reached (before migrating). */
  reach(): Promise<void>;
  /** Copies a non-empty database aside and returns the copy's path; undefined when there is nothing to copy. */
  backupBeforeMigration(firstPendingMigration: string): Promise<string | undefined>;
}

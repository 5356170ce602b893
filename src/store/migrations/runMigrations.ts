import { DEFAULT_MIGRATION_TABLE, type Kysely, type Migration, Migrator, sql } from "kysely";
import { AimsError } from "../../domain/errors.js";
import { staticMigrationProvider } from "./index.js";

/** Copies the database aside before migrating; returns where, or undefined when there was nothing to copy. */
export type BackupBeforeMigration = (firstPendingMigration: string) => Promise<string | undefined>;

/**
 * Applies pending migrations with Kysely's Migrator, after `backup` copies a non-empty database aside.
 * When every known migration is already applied (every open but the first after an upgrade) this costs one
 * query. Throws AimsError("unavailable") naming the failed migration and the backup.
 */
export async function runMigrations<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>>,
  backup: BackupBeforeMigration,
): Promise<void> {
  if (await allApplied(db, migrations)) return;
  // Something is pending (or the table is missing, or the database knows a migration this code does not):
  // the Migrator decides, under its lock, exactly as before. A process that migrated meanwhile leaves it nothing to do.
  const migrator = new Migrator({ db, provider: staticMigrationProvider(migrations) });
  const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined);
  const first = pending[0];
  if (!first) return;
  const backupPath = await backup(first.name);
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === "Error")?.migrationName ?? first.name;
  const reason = error instanceof Error ? error.message : String(error);
  const copied = backupPath ? `; your previous database was copied to ${backupPath}` : "";
  throw new AimsError("unavailable", `database migration ${failed} failed: ${reason}${copied}`);
}

/**
 * True when the applied migrations are exactly the known ones. Read without the Migrator (which introspects
 * every table) and without a lock: migrations only ever add rows, each run commits whole, so a "yes" stays true.
 * Any doubt (no migration table yet, a different set) is a "no", and the Migrator takes over.
 */
async function allApplied<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>>,
): Promise<boolean> {
  let applied: string[];
  try {
    const { rows } = await sql<{
      name: string;
    }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
    applied = rows.map((r) => r.name);
  } catch {
    return false; // a fresh database: no migration table yet
  }
  const known = Object.keys(migrations);
  return applied.length === known.length && known.every((name) => applied.includes(name));
}

import { DEFAULT_MIGRATION_TABLE, type Kysely, type Migration, sql } from "kysely";

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
  // Loaded only now: opening a store with nothing pending never loads kysely's Migrator.
  const { migrateToLatest } = await import("./migrateToLatest.js");
  await migrateToLatest(db, migrations, backup);
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

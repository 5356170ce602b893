import { type Kysely, type Migration, Migrator } from "kysely";
import { AimsError } from "../../domain/errors.js";
import { staticMigrationProvider } from "./index.js";

/** Copies the database aside before migrating; returns where, or undefined when there was nothing to copy. */
export type BackupBeforeMigration = (firstPendingMigration: string) => Promise<string | undefined>;

/**
 * Applies pending migrations with Kysely's Migrator, after `backup` copies a non-empty database aside.
 * Throws AimsError("unavailable") naming the failed migration and the backup.
 */
export async function runMigrations<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>>,
  backup: BackupBeforeMigration,
): Promise<void> {
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

import { type Kysely, type Migration, Migrator } from "kysely";
import { AimsError } from "../../domain/errors.js";
import { staticMigrationProvider } from "./index.js";

/**
 * Something is pending (or the table is missing, or the database knows a migration this code does not): the
 * Migrator decides, under its lock. A process that migrated meanwhile leaves it nothing to do. Throws
 * AimsError("unavailable") naming the failed migration and the backup `backup` made first.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>>,
  backup: (firstPendingMigration: string) => Promise<string | undefined>,
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

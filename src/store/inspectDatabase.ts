import { DEFAULT_MIGRATION_TABLE, Kysely, sql } from "kysely";
import type { StoreKind } from "./backend.js";
import { createBackend } from "./database.js";
import { migrationsFor } from "./migrations/index.js";

/** What `aims doctor` says of the database before AIMS opens (and so migrates) it. */
export interface DatabaseInspection {
  kind: StoreKind;
  location: string;
  /** `SQLite 3.45.1`, `PostgreSQL 15.18`. */
  version: string;
  applied: number;
  /** Migrations this AIMS has that the database has not had yet: the next open applies them. */
  pending: string[];
  /** Migrations the database had that this AIMS does not know: a newer AIMS upgraded it. */
  unknown: string[];
}

/**
 * Reaches the database named by `databaseUrl` and reads its server version and which migrations it has had,
 * changing nothing (an unreachable one is AimsError("unavailable") saying why).
 */
export async function inspectDatabase(config: {
  databaseUrl: string;
  dataDir: string;
  defaultPlan?: string;
}): Promise<DatabaseInspection> {
  const backend = await createBackend(config.databaseUrl, config.dataDir);
  await backend.reach();
  const db = new Kysely<unknown>({ dialect: backend.dialect });
  try {
    const version =
      backend.kind === "sqlite"
        ? `SQLite ${(await sql<{ v: string }>`select sqlite_version() as v`.execute(db)).rows[0]?.v}`
        : `PostgreSQL ${(await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db)).rows[0]?.v?.split(" ")[0]}`;
    let applied: string[] = [];
    try {
      const { rows } = await sql<{
        name: string;
      }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
      applied = rows.map((r) => r.name);
    } catch {
      // a fresh database: no migration table yet
    }
    const known = Object.keys(migrationsFor({ defaultPlan: config.defaultPlan ?? "team" }));
    return {
      kind: backend.kind,
      location: backend.location,
      version,
      applied: applied.length,
      pending: known.filter((name) => !applied.includes(name)),
      unknown: applied.filter((name) => !known.includes(name)),
    };
  } finally {
    await db.destroy();
  }
}

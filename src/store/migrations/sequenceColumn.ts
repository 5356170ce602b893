import { type CreateTableBuilder, type Kysely, PostgresAdapter, SqliteAdapter } from "kysely";

/**
 * Adds an auto-incrementing integer primary key named `name`: `integer primary key autoincrement` on SQLite
 * (never reuses a deleted seq), `serial primary key` on PostgreSQL. The dialect comes from the executor's adapter.
 */
export function addSequenceColumn<TB extends string, C extends string, CN extends string>(
  db: Kysely<unknown>,
  table: CreateTableBuilder<TB, C>,
  name: CN,
): CreateTableBuilder<TB, C | CN> {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter)
    return table.addColumn(name, "integer", (c) => c.primaryKey().autoIncrement());
  if (adapter instanceof PostgresAdapter) return table.addColumn(name, "serial", (c) => c.primaryKey());
  throw new Error(`migrations support SQLite and PostgreSQL only, not ${adapter.constructor.name}`);
}

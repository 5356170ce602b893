import { type Kysely, sql, type Transaction } from "kysely";
import { AimsError } from "../domain/errors.js";
import { withTransaction } from "./database.js";
import type { Database } from "./schema.js";

/** Rows that belong to running processes, not to the install: a copy starts without them. */
const NOT_COPIED = new Set(["leases"]);

/** What a copy moved: rows per table, in the order they were copied. */
export interface CopyReport {
  rows: Record<string, number>;
}

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

/**
 * Copies every row of a SQLite store into an empty PostgreSQL store with the same migrations applied: ids,
 * event and audit seqs and hashes stay as they are, so the audit chain and SSE cursors carry over, and the
 * installation id too (the Docker objects' `aims.installation` label). The tables are read from SQLite itself
 * (migrations added later are copied without changing this), parents before the tables that reference them.
 * The SQLite side is read under its write lock, the PostgreSQL side written in one transaction: a failure
 * leaves the target as empty as it was.
 */
export async function copySqliteToPostgres(
  source: Kysely<Database>,
  target: Kysely<Database>,
  progress: (message: string) => void = () => undefined,
): Promise<CopyReport> {
  const tables = (await tablesInOrder(source)).filter((t) => !NOT_COPIED.has(t));
  await refuseNonEmpty(target, tables);
  const rows: Record<string, number> = {};
  await withTransaction(source, (from) =>
    withTransaction(target, async (to) => {
      // The target's own installation row (made when it was opened) gives way to the source's.
      await to.deleteFrom("installations").execute();
      for (const table of tables) {
        rows[table] = await copyTable(from, to, table);
        progress(`copied ${rows[table]} row(s) of ${table}`);
      }
      await advanceSequences(to);
    }),
  );
  return { rows };
}

/** The install's tables (not SQLite's or the migrator's), each after the tables its foreign keys name. */
async function tablesInOrder(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db);
  const parents = new Map<string, string[]>();
  for (const { name } of rows) {
    const keys = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(
      db,
    );
    parents.set(
      name,
      keys.rows.map((k) => k.table).filter((t) => t !== name),
    );
  }
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(" → ")}`);
    for (const parent of parents.get(name) ?? []) visit(parent, [...path, name]);
    ordered.push(name);
  };
  for (const name of parents.keys()) visit(name, []);
  return ordered;
}

async function refuseNonEmpty(target: Kysely<Database>, tables: string[]): Promise<void> {
  const held: string[] = [];
  for (const table of tables) {
    if (table === "installations") continue;
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(target);
    if (Number(rows[0]?.n) > 0) held.push(`${rows[0]?.n} ${table}`);
  }
  if (held.length)
    throw new AimsError(
      "conflict",
      `the PostgreSQL database already holds data (${held.join(", ")}): migrate into an empty database`,
    );
}

/** Copies one table a page at a time (rowid order, so paging is cheap); answers how many rows. */
async function copyTable(
  from: Transaction<Database>,
  to: Transaction<Database>,
  table: string,
): Promise<number> {
  const columns = (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(from))
    .rows.length;
  // PostgreSQL takes at most 65535 parameters per statement.
  const page = Math.max(1, Math.min(1000, Math.floor(60_000 / Math.max(1, columns))));
  let after = Number.MIN_SAFE_INTEGER;
  let copied = 0;
  for (;;) {
    const { rows } = await sql<Record<string, unknown>>`select rowid as "__rowid", * from ${sql.table(table)}
      where rowid > ${after} order by rowid limit ${page}`.execute(from);
    if (rows.length === 0) return copied;
    after = Number(rows.at(-1)?.__rowid);
    const values = rows.map(({ __rowid, ...row }) => row);
    await (to as unknown as AnyDb).insertInto(table).values(values).execute();
    copied += rows.length;
  }
}

/** Moves each serial column's sequence past the copied ids (AIMS sets event and audit seqs itself; others may not). */
async function advanceSequences(to: Transaction<Database>): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`select table_name, column_name
    from information_schema.columns where table_schema = current_schema() and column_default like 'nextval(%'`.execute(
    to,
  );
  for (const { table_name: table, column_name: column } of rows)
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(max(${sql.ref(column)}), 1), max(${sql.ref(column)}) is not null) from ${sql.table(table)}`.execute(
      to,
    );
}

import { type Kysely, PostgresAdapter } from "kysely";

/**
 * True when `ex` runs on PostgreSQL (else SQLite). For the few statements the two write differently: the
 * event and audit sequences (src/store/eventLog.ts, auditLog.ts).
 */
export function onPostgres(ex: Pick<Kysely<unknown>, "getExecutor">): boolean {
  return ex.getExecutor().adapter instanceof PostgresAdapter;
}

import { type Selectable, sql } from "kysely";
import { newId } from "../domain/names.js";
import { type Executor, withTransaction } from "./database.js";
import { onPostgres } from "./dialect.js";
import type { EventsTable } from "./schema.js";

export type EventRow = Selectable<EventsTable>;

/** A change to record; `data` must never hold a secret. */
export interface NewEvent {
  type: string;
  tenantId?: string | null;
  /** What changed, usually an id (`instance.id`). */
  subject?: string | null;
  data?: Record<string, unknown>;
}

export interface EventFilter {
  tenantId?: string;
  /** Only events after this seq (the cursor a stream resumes from). */
  afterSeq?: number;
  /** At most this many (default 100, capped at 1000). */
  limit?: number;
  /** Type prefixes: `["instance."]` matches `instance.created`, `instance.ready`, ... */
  types?: string[];
}

/**
 * Appends an event and returns the stored row (with its seq). Call it in the transaction of the change; given
 * the database itself, it opens a write transaction of its own. The seq is the SSE cursor, so it follows commit
 * order without gaps: SQLite's AUTOINCREMENT does under BEGIN IMMEDIATE; on PostgreSQL a sequence would hand out
 * numbers outside the write lock and lose those of rolled-back transactions, so the seq is the last one plus one,
 * read under the write lock the transaction holds (events are never deleted).
 */
export async function appendEvent(ex: Executor, event: NewEvent): Promise<EventRow> {
  if (!ex.isTransaction) return withTransaction(ex, (trx) => appendEvent(trx, event));
  return ex
    .insertInto("events")
    .values({
      ...(onPostgres(ex) ? { seq: sql<number>`(select coalesce(max(seq), 0) + 1 from events)` } : {}),
      id: newId(),
      type: event.type,
      tenant_id: event.tenantId ?? null,
      subject: event.subject ?? null,
      data: JSON.stringify(event.data ?? {}),
      created_at: new Date().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Events in seq order, filtered by tenant, cursor and type prefixes.
 * @example await listEvents(db, { tenantId, afterSeq: lastSeen, types: ["instance."] })
 */
export function listEvents(ex: Executor, filter: EventFilter = {}): Promise<EventRow[]> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
  let query = ex.selectFrom("events").selectAll();
  if (filter.tenantId !== undefined) query = query.where("tenant_id", "=", filter.tenantId);
  if (filter.afterSeq !== undefined) query = query.where("seq", ">", filter.afterSeq);
  const types = filter.types;
  if (types !== undefined) {
    if (types.length === 0) return Promise.resolve([]);
    // substr, not LIKE: a prefix is matched literally ("_" and "%" are not wildcards) and case-sensitively.
    query = query.where((eb) =>
      eb.or(types.map((t) => eb(eb.fn("substr", ["type", eb.lit(1), eb.lit(t.length)]), "=", t))),
    );
  }
  return query.orderBy("seq").limit(limit).execute();
}

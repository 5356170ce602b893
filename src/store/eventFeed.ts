import type { Executor } from "./database.js";
import type { EventRow } from "./eventLog.js";

/** Which event types to include: exact names and prefixes (`instance.` from the topic `instance.*`); null is all. */
export type TypeFilter = { exact: string[]; prefixes: string[] } | null;

export interface EventFeedFilter {
  /** The tenants whose events may be seen; "all" for the operator. */
  tenantIds: string[] | "all";
  /** Events of no tenant (users, sessions, the operator key): the operator's only. */
  includeUntenanted: boolean;
  types: TypeFilter;
  subject?: string;
  afterSeq?: number;
  /** Inclusive upper bound (a stream catching up reads to where the live feed is). */
  uptoSeq?: number;
  limit: number;
}

/** Events in seq order, scoped to what a caller may see. */
export function listEventFeed(ex: Executor, filter: EventFeedFilter): Promise<EventRow[]> {
  let query = ex.selectFrom("events").selectAll();
  const { tenantIds, includeUntenanted, types } = filter;
  if (tenantIds !== "all" || !includeUntenanted) {
    query = query.where((eb) => {
      const parts = [];
      if (tenantIds === "all") parts.push(eb("tenant_id", "is not", null));
      else if (tenantIds.length) parts.push(eb("tenant_id", "in", tenantIds));
      if (includeUntenanted) parts.push(eb("tenant_id", "is", null));
      return parts.length ? eb.or(parts) : eb.lit(false);
    });
  }
  if (types !== null) {
    query = query.where((eb) =>
      eb.or([
        ...(types.exact.length ? [eb("type", "in", types.exact)] : []),
        // substr, not LIKE: "_" and "%" in a prefix are literal.
        ...types.prefixes.map((t) => eb(eb.fn("substr", ["type", eb.lit(1), eb.lit(t.length)]), "=", t)),
        ...(types.exact.length + types.prefixes.length === 0 ? [eb.lit(false)] : []),
      ]),
    );
  }
  if (filter.subject !== undefined) query = query.where("subject", "=", filter.subject);
  if (filter.afterSeq !== undefined) query = query.where("seq", ">", filter.afterSeq);
  if (filter.uptoSeq !== undefined) query = query.where("seq", "<=", filter.uptoSeq);
  return query.orderBy("seq").limit(filter.limit).execute();
}

/** The highest event seq so far (0 when the log is empty). */
export async function lastEventSeq(ex: Executor): Promise<number> {
  const row = await ex
    .selectFrom("events")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

import type { Kysely } from "kysely";
import { type EventFeedFilter, lastEventSeq, listEventFeed } from "../../store/eventFeed.js";
import type { EventRow } from "../../store/eventLog.js";
import type { Database } from "../../store/schema.js";

/** What a stream gets for each event: the row and its tenant's name. */
export type Deliver = (row: EventRow, tenantName: string | null) => void;

/**
 * One open stream: its scope (as a store filter and the same test in memory) and where it is in the log. The hub
 * hands it a batch of events (`deliver` each) and then calls `flush`, so a stream can send a batch in one write.
 */
export interface Subscription {
  scope: () => Omit<EventFeedFilter, "afterSeq" | "uptoSeq" | "limit">;
  matches(row: EventRow): boolean;
  deliver: Deliver;
  /** The batch handed over since the last flush is complete. */
  flush(): void;
  /** Every event up to here was delivered or did not match. */
  cursor: number;
  live: boolean;
}

const PAGE = 500;

/** One live fan-out pass, as `observeFanOut` reports it. */
export interface FanOutPass {
  /** Seq of the last event handed out in this pass. */
  lastSeq: number;
  events: number;
  /** Frames handed to streams (an event times the streams it matched). */
  deliveries: number;
  /** When the pass read its rows from the store (`performance.now()`); it reports once every stream was handed them. */
  readAt: number;
}

/**
 * Fans the persisted event log out to open streams. One poller reads rows after the last seq it saw (other
 * processes write events too: the CLI, the reconciler) and hands each row to every live subscription whose
 * cursor is behind it. A new subscription first catches up from the store, then goes live in the same
 * synchronous step as the poller's cursor check, so no event is lost or repeated between the two.
 *
 * Relies on seq order being commit order: true on SQLite, where writers are serialised (BEGIN IMMEDIATE).
 * PostgreSQL will need a commit-ordered feed (e.g. LISTEN/NOTIFY plus a gap check) here.
 */
export class EventHub {
  readonly #db: Kysely<Database>;
  readonly #pollMs: number;
  readonly #subscriptions = new Set<Subscription>();
  readonly #tenantNames = new Map<string, string>();
  #lastSeq = 0;
  #started: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #observer: ((pass: FanOutPass) => void) | undefined;

  constructor(db: Kysely<Database>, options: { pollMs: number }) {
    this.#db = db;
    this.#pollMs = options.pollMs;
  }

  /** How many streams are open. */
  get size(): number {
    return this.#subscriptions.size;
  }

  /**
   * Adds a subscription that first receives every matching event after `afterSeq` (Last-Event-ID) from the
   * store, then live ones. Without `afterSeq` it starts at the present. Returns a function that removes it.
   */
  async subscribe(sub: Subscription, afterSeq?: number): Promise<() => void> {
    await this.#start();
    const newest = await lastEventSeq(this.#db);
    sub.cursor = Math.min(afterSeq ?? this.#lastSeq, Math.max(newest, this.#lastSeq));
    sub.live = false;
    this.#subscriptions.add(sub);
    const remove = () => void this.#subscriptions.delete(sub);
    try {
      for (;;) {
        const upto = this.#lastSeq;
        if (sub.cursor >= upto) {
          sub.live = true;
          return remove;
        }
        const rows = await listEventFeed(this.#db, {
          ...sub.scope(),
          afterSeq: sub.cursor,
          uptoSeq: upto,
          limit: PAGE,
        });
        await this.#learnTenantNames(rows);
        if (!this.#subscriptions.has(sub)) return remove;
        for (const row of rows) {
          sub.deliver(row, this.#nameOf(row));
          sub.cursor = row.seq;
        }
        sub.flush();
        if (rows.length < PAGE) sub.cursor = Math.max(sub.cursor, upto);
      }
    } catch (err) {
      remove();
      throw err;
    }
  }

  /** Reads new events now (an API mutation just wrote one) instead of waiting for the next poll. */
  nudge(): void {
    if (this.#started) void this.#poll();
  }

  /** Reports each live fan-out pass to `observer` (the API benchmark times the server's side with it). */
  observeFanOut(observer: ((pass: FanOutPass) => void) | undefined): void {
    this.#observer = observer;
  }

  /** Stops polling; open streams are the caller's to end. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#subscriptions.clear();
  }

  #start(): Promise<void> {
    this.#started ??= (async () => {
      this.#lastSeq = await lastEventSeq(this.#db);
      if (this.#closed) return;
      this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
      this.#timer.unref();
    })();
    return this.#started;
  }

  #poll(): Promise<void> {
    if (this.#polling) {
      this.#again = true;
      return this.#polling;
    }
    this.#polling = (async () => {
      try {
        do {
          this.#again = false;
          await this.#readNew();
        } while (this.#again && !this.#closed);
      } catch {
        // The store was busy or closing: the next tick reads the same rows again (the cursor did not move).
      } finally {
        this.#polling = undefined;
      }
    })();
    return this.#polling;
  }

  async #readNew(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const rows = await this.#db
        .selectFrom("events")
        .selectAll()
        .where("seq", ">", this.#lastSeq)
        .orderBy("seq")
        .limit(PAGE)
        .execute();
      if (!rows.length) return;
      const readAt = this.#observer && performance.now();
      await this.#learnTenantNames(rows);
      const names = rows.map((row) => this.#nameOf(row));
      // From here to the end of the loop body nothing awaits: delivery and the cursors move together. Stream by
      // stream, so each stream's share of the page leaves as one batch as soon as it is handed over.
      let deliveries = 0;
      for (const sub of this.#subscriptions) {
        if (!sub.live) continue;
        const before = deliveries;
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          if (row.seq <= sub.cursor) continue;
          if (sub.matches(row)) {
            sub.deliver(row, names[i]!);
            deliveries++;
          }
          sub.cursor = row.seq;
        }
        if (deliveries > before) sub.flush();
      }
      this.#lastSeq = rows[rows.length - 1]!.seq;
      if (readAt !== undefined)
        this.#observer?.({ lastSeq: this.#lastSeq, events: rows.length, deliveries, readAt });
      if (rows.length < PAGE) return;
    }
  }

  #nameOf(row: EventRow): string | null {
    return row.tenant_id === null ? null : (this.#tenantNames.get(row.tenant_id) ?? null);
  }

  async #learnTenantNames(rows: EventRow[]): Promise<void> {
    const unknown = [...new Set(rows.map((r) => r.tenant_id))].filter(
      (id): id is string => id !== null && !this.#tenantNames.has(id),
    );
    if (!unknown.length) return;
    const tenants = await this.#db
      .selectFrom("tenants")
      .select(["id", "name"])
      .where("id", "in", unknown)
      .execute();
    for (const t of tenants) this.#tenantNames.set(t.id, t.name);
  }
}

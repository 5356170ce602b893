import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { Kysely } from "kysely";
import { nextBlock, windowOf } from "../domain/rateLimits.js";
import type { Logger } from "../logger.js";
import { countRequests, pruneRateLimits } from "../store/rateLimitRepository.js";
import type { Database } from "../store/schema.js";

/** Numbers of one budget's window this process has taken from the shared count: `next … last` are unused. */
interface Block {
  windowStart: number;
  next: number;
  last: number;
  size: number;
  takenAt: number;
}

/**
 * The counters of @fastify/rate-limit in the store instead of this process's memory, so every `aims serve` on
 * the data dir spends one budget. Windows are fixed and aligned on multiples of their length, so every process
 * agrees where one starts. Each request gets a number in its budget's window, unique across processes, and is
 * let in while the number is within the limit: never more than the limit is let in, whatever the processes.
 *
 * The numbers come from one atomic upsert on the shared count. A budget spent at most once every 10 s in this
 * process takes one number per request. Spent faster, it takes blocks that double up to 2% of the limit (1
 * under 100, at most 100), handed out from memory. With one process that changes nothing but the writes; with
 * several, a block another process holds may still have numbers when this one is refused, so at worst
 * (processes − 1) × (block − 1) requests fewer are let in per window, and the RateLimit-Remaining a process
 * answers counts the numbers other processes hold. Once a window's numbers
 * are past the limit every later one is too: refusals until the window ends cost no write. Each process
 * deletes ended windows once a window.
 * @example await app.register(rateLimit, { store: storeBackedCounters(db, logger), timeWindow: 60_000 });
 */
export function storeBackedCounters(db: Kysely<Database>, logger: Logger): FastifyRateLimitStoreCtor {
  const blocks = new Map<string, Block>();
  const taking = new Map<string, Promise<void>>();
  let prunedBefore = 0;

  const prune = (now: number, windowStart: number) => {
    if (windowStart <= prunedBefore) return;
    prunedBefore = windowStart;
    for (const [key, block] of blocks) if (block.windowStart < windowStart) blocks.delete(key);
    pruneRateLimits(db, now).catch((err: unknown) =>
      logger.warn({ err: String(err) }, "could not delete ended rate-limit windows"),
    );
  };

  /** This request's number in the budget's window (above `max`: refused). */
  async function numberFor(
    key: string,
    window: { start: number; end: number },
    max: number,
    now: number,
  ): Promise<number> {
    for (;;) {
      const held = blocks.get(key);
      const current = held?.windowStart === window.start ? held : undefined;
      if (current && current.next <= current.last) return current.next++;
      // Past the limit: so is every number still to come in this window.
      if (current && current.last >= max) return current.last + 1;
      const pending = taking.get(key);
      if (pending) {
        await pending;
        continue;
      }
      const size = nextBlock(max, held, now);
      const take = countRequests(db, key, window, size)
        .then((last) => {
          blocks.set(key, { windowStart: window.start, next: last - size + 1, last, size, takenAt: now });
        })
        .finally(() => taking.delete(key));
      taking.set(key, take);
      await take;
    }
  }

  class StoreBackedCounters implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ): void {
      const now = Date.now();
      const window = windowOf(now, timeWindow);
      numberFor(key, window, max, now).then(
        (current) => {
          callback(null, { current, ttl: window.end - now });
          prune(now, window.start);
        },
        (err: unknown) => {
          // The request goes on uncounted (skipOnError): a busy store must not refuse the whole API.
          logger.warn({ err: String(err) }, "could not count a request against its rate limit");
          callback(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return StoreBackedCounters;
}

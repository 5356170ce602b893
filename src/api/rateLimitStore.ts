import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type { Kysely } from "kysely";
import { windowOf } from "../domain/rateLimits.js";
import type { Logger } from "../logger.js";
import { countRequest, pruneRateLimits } from "../store/rateLimitRepository.js";
import type { Database } from "../store/schema.js";

/**
 * The counters of @fastify/rate-limit in the store instead of this process's memory, so every `aims serve` on
 * the data dir spends one budget: fixed windows aligned on multiples of their length (every process agrees on
 * where a window starts), one atomic upsert per request. Each process deletes ended windows once a window.
 * @example await app.register(rateLimit, { store: storeBackedCounters(db, logger), timeWindow: 60_000 });
 */
export function storeBackedCounters(db: Kysely<Database>, logger: Logger): FastifyRateLimitStoreCtor {
  let prunedBefore = 0;
  const prune = (now: number, windowStart: number) => {
    if (windowStart <= prunedBefore) return;
    prunedBefore = windowStart;
    pruneRateLimits(db, now).catch((err: unknown) =>
      logger.warn({ err: String(err) }, "could not delete ended rate-limit windows"),
    );
  };
  class StoreBackedCounters implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = Date.now();
      const window = windowOf(now, timeWindow);
      countRequest(db, key, window).then(
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

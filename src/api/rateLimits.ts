import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { AimsError } from "../domain/errors.js";
import { budgetKey, type RateBudget, rateLimitedMessage } from "../domain/rateLimits.js";
import type { Platform } from "../platform.js";
import { budgetOf } from "./rateBudget.js";
import { storeBackedCounters } from "./rateLimitStore.js";

/** The limiter hook of a route that takes a credential, and of a public one (which spends its address's budget). */
export interface RateLimiters {
  authenticated: onRequestAsyncHookHandler;
  public: onRequestAsyncHookHandler;
}

const MINUTE = 60_000;

/**
 * Registers @fastify/rate-limit over the store's counters and answers the hooks routes take; undefined when
 * `api.rateLimit.enabled` is false. Answers carry the IETF draft's `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset`; a refusal is AIMS's 429 `rate_limited` with `Retry-After`. It runs in `onRequest`, before
 * the body is read, so a refused request costs one lookup of its credential and one count.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  platform: Platform,
): Promise<RateLimiters | undefined> {
  if (!platform.config.api.rateLimit.enabled) return undefined;
  const windowMs = platform.config.testHooks.rateLimitWindowMs ?? MINUTE;
  const budgets = new WeakMap<FastifyRequest, RateBudget>();
  const budgetFor = (request: FastifyRequest) => {
    const budget = budgets.get(request);
    if (!budget) throw new Error("rate limit: no budget was picked for this request");
    return budget;
  };
  await app.register(rateLimit, {
    global: false,
    enableDraftSpec: true,
    store: storeBackedCounters(platform.store.db, platform.logger),
    timeWindow: windowMs,
    skipOnError: true,
    allowList: (request) => budgetFor(request).limit === null,
    max: (request) => budgetFor(request).limit ?? 0,
    errorResponseBuilder: (request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AimsError("rate_limited", rateLimitedMessage(budgetFor(request), windowMs, seconds), 429, {
        retryAfterSeconds: seconds,
      });
    },
  });
  const limiter = (authenticates: boolean) =>
    app.rateLimit({
      keyGenerator: async (request) => {
        const budget = await budgetOf(platform, request, authenticates);
        budgets.set(request, budget);
        return budgetKey(budget);
      },
    }) as unknown as onRequestAsyncHookHandler;
  return { authenticated: limiter(true), public: limiter(false) };
}

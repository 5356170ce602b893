/**
 * API rate limits (docs/api.md#rate-limits): every request spends one budget — a credential and what it
 * calls — counted in fixed windows. Pure: src/api/rateBudget.ts picks the budget, the store counts it.
 */

/** Why a budget has the limit it has, for the message a refused caller reads. */
export type BudgetSource =
  | { plan: string; tenant: string }
  | {
      setting:
        | "api.rateLimit.perMinute"
        | "api.rateLimit.operatorPerMinute"
        | "api.rateLimit.anonymousPerMinute";
    };

/** The budget one request spends. */
export interface RateBudget {
  /** Who: `key:<id>`, `session:<id>`, or `address:<ip>` for a request without a (valid) credential. */
  credential: string;
  /** Where: `tenant:<id>` (a tenant's routes, on its plan), `operator` (everything the operator calls), or `api`. */
  scope: string;
  /** Requests per window; null is unlimited (not counted, no RateLimit headers). */
  limit: number | null;
  /** The credential in words: `this key`, `this session`, `the operator key`, `192.0.2.1 without a credential`. */
  holder: string;
  source: BudgetSource;
}

/** The store's key of a budget: `<credential>|<scope>`. */
export function budgetKey(budget: Pick<RateBudget, "credential" | "scope">): string {
  return `${budget.credential}|${budget.scope}`;
}

/** The fixed window `now` falls in: windows start at multiples of their length (epoch ms), so every process agrees. */
export function windowOf(nowMs: number, windowMs: number): { start: number; end: number } {
  const start = Math.floor(nowMs / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/** Whole seconds until a window ends, at least 1: what Retry-After and RateLimit-Reset say. */
export function secondsUntil(endMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((endMs - nowMs) / 1000));
}

/** The largest block of numbers a process takes from a budget's shared count at once: 2% of the limit, 1 to 100. */
export function maxBlock(limit: number): number {
  return Math.min(100, Math.max(1, Math.floor(limit / 50)));
}

/**
 * A budget spent again within this long of its last block, in one process, is spent fast: its blocks grow. In
 * one process blocks cost no accuracy (its numbers are consecutive); across processes a slower budget stays exact.
 */
export const FAST_MS = 10_000;

/**
 * How many numbers the next reservation of a budget takes: 1 (every request counted in the store at once)
 * unless this process took its last block less than FAST_MS ago, then twice that block, up to `maxBlock`.
 */
export function nextBlock(
  limit: number,
  last: { size: number; takenAt: number } | undefined,
  nowMs: number,
): number {
  if (!last || nowMs - last.takenAt >= FAST_MS) return 1;
  return Math.min(maxBlock(limit), last.size * 2);
}

/** `a minute`, or `per 2 s` for another window length. */
function perWindow(windowMs: number): string {
  return windowMs === 60_000 ? "a minute" : `per ${windowMs / 1000} s`;
}

/**
 * What a refused caller reads: whose budget, its size and where it comes from, and when to retry.
 * @example rateLimitedMessage(budget, 60_000, 12) // "too many requests for this key: 600 a minute on plan team of tenant acme; retry in 12 s"
 */
export function rateLimitedMessage(budget: RateBudget, windowMs: number, retryAfterSeconds: number): string {
  const size = `${budget.limit} ${perWindow(windowMs)}`;
  const source = budget.source;
  const why =
    "plan" in source
      ? `on plan ${source.plan} of tenant ${source.tenant}`
      : `(${source.setting}${source.setting === "api.rateLimit.anonymousPerMinute" ? "; sign in or send an API key for your own budget" : ""})`;
  const from = budget.credential.startsWith("address:") ? "from" : "for";
  return `too many requests ${from} ${budget.holder}: ${size} ${why}; retry in ${retryAfterSeconds} s`;
}

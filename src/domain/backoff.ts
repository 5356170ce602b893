/**
 * Growing back-off over failed attempts, as pure rules: a key (an address, an account) has some failures free,
 * then each further attempt waits twice as long as the one before, up to a cap; a quiet spell forgets it all.
 * There is never a hard lock-out: the wait is bounded by `maxWaitMs`.
 */
export interface BackoffPolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the last free failure; each further failure doubles it. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** Failures older than this (with no failure since) are forgotten. */
  forgetAfterMs: number;
}

/** One key's failures; times are epoch milliseconds. */
export interface BackoffState {
  failures: number;
  /** Attempts before this time are refused. */
  nextAttemptAt: number | null;
  lastFailureAt: number;
}

export type AttemptDecision =
  | { allowed: true; next: BackoffState }
  | { allowed: false; retryAfterMs: number };

/** How long the next attempt waits after `failures` failures: nothing within the allowance, then doubling. */
export function waitAfter(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 40);
  return Math.min(policy.firstWaitMs * 2 ** doublings, policy.maxWaitMs);
}

/**
 * Decides an attempt at `now`: refused while a wait runs; otherwise allowed, and counted as a failure in
 * advance (so parallel attempts cannot all slip through before the first one fails). A success undoes it.
 */
export function decideAttempt(
  state: BackoffState | undefined,
  policy: BackoffPolicy,
  now: number,
): AttemptDecision {
  if (state?.nextAttemptAt != null && state.nextAttemptAt > now)
    return { allowed: false, retryAfterMs: state.nextAttemptAt - now };
  const remembered = state && now - state.lastFailureAt < policy.forgetAfterMs ? state.failures : 0;
  const failures = remembered + 1;
  const wait = waitAfter(failures, policy);
  return {
    allowed: true,
    next: { failures, nextAttemptAt: wait > 0 ? now + wait : null, lastFailureAt: now },
  };
}

/** The state once an attempt counted in advance succeeded: its failure is taken back, and so is its wait when no other failures hold one. */
export function undoAttempt(state: BackoffState, policy: BackoffPolicy): BackoffState {
  const failures = Math.max(0, state.failures - 1);
  return { ...state, failures, nextAttemptAt: failures >= policy.freeFailures ? state.nextAttemptAt : null };
}

/**
 * The address a throttle counts by: an IPv4 address as it is (also when IPv4-mapped), an IPv6 address by its
 * /64 network, since one host is usually handed a whole /64 and could otherwise rotate through it.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.split("%")[0]!.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

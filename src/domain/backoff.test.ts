import { describe, expect, it } from "vitest";
import { addressGroup, type BackoffPolicy, decideAttempt, undoAttempt, waitAfter } from "./backoff.js";

const policy: BackoffPolicy = {
  freeFailures: 5,
  firstWaitMs: 1000,
  maxWaitMs: 900_000,
  forgetAfterMs: 86_400_000,
};

describe("growing back-off", () => {
  it("waits nothing within the allowance, then 1 s, doubling, capped at 15 min", () => {
    expect([0, 4, 5, 6, 7, 14, 15, 60].map((n) => waitAfter(n, policy))).toEqual([
      0, 0, 1000, 2000, 4000, 512_000, 900_000, 900_000,
    ]);
  });

  it("counts an attempt in advance, refuses while the wait runs, and forgets after a quiet day", () => {
    let state = undefined as ReturnType<typeof undoAttempt> | undefined;
    for (let i = 0; i < 5; i++) {
      const d = decideAttempt(state, policy, 1000 + i);
      expect(d.allowed).toBe(true);
      if (d.allowed) state = d.next;
    }
    expect(state).toEqual({ failures: 5, nextAttemptAt: 1004 + 1000, lastFailureAt: 1004 });
    expect(decideAttempt(state, policy, 1500)).toEqual({ allowed: false, retryAfterMs: 504 });
    const after = decideAttempt(state, policy, 2004);
    expect(after).toEqual({ allowed: true, next: { failures: 6, nextAttemptAt: 4004, lastFailureAt: 2004 } });
    expect(decideAttempt(state, policy, 1004 + 86_400_000)).toMatchObject({
      next: { failures: 1, nextAttemptAt: null },
    });
  });

  it("takes back a successful attempt, and its wait when no other failures hold one", () => {
    expect(undoAttempt({ failures: 5, nextAttemptAt: 9, lastFailureAt: 1 }, policy)).toEqual({
      failures: 4,
      nextAttemptAt: null,
      lastFailureAt: 1,
    });
    expect(undoAttempt({ failures: 7, nextAttemptAt: 9, lastFailureAt: 1 }, policy).nextAttemptAt).toBe(9);
    expect(undoAttempt({ failures: 0, nextAttemptAt: null, lastFailureAt: 1 }, policy).failures).toBe(0);
  });
});

describe("addressGroup", () => {
  it("keeps IPv4 addresses, unwraps IPv4-mapped ones and groups IPv6 by /64", () => {
    expect(addressGroup("192.0.2.7")).toBe("192.0.2.7");
    expect(addressGroup("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressGroup("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(addressGroup("2001:DB8:0000:0001:1:2:3:4")).toBe("2001:db8:0:1::/64");
    expect(addressGroup("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressGroup("::1")).toBe("0:0:0:0::/64");
    expect(addressGroup("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });
});

import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { AimsError } from "../../domain/errors.js";
import type { Principal } from "../../tenancy/principal.js";
import { LiveStreams, type StreamOptions } from "./liveStreams.js";

const keyPrincipal = (keyId: string, userId: string | null = null): Principal => ({
  actor: `key:${keyId}`,
  kind: "key",
  userId,
  platformAdmin: false,
  keyId,
  sessionId: null,
  tenantId: "t1",
  roleCap: "viewer",
  scopes: null,
  expiresAt: null,
});

/** A registry whose credentials are looked up in `valid` (a key id per request), counting the lookups. */
function registry(limits = { maxPerKey: 100_000, maxPerTenant: 100_000 }) {
  const valid = new Set<string>();
  const lookups = { authenticate: 0, authorise: 0 };
  const streams = new LiveStreams({
    heartbeatMs: 3_600_000,
    ...limits,
    authenticate: async (request) => {
      lookups.authenticate++;
      const keyId = (request as unknown as { keyId: string }).keyId;
      return valid.has(keyId) ? keyPrincipal(keyId) : undefined;
    },
  });
  const open = (keyId: string, overrides: Partial<StreamOptions<string>> = {}) => {
    valid.add(keyId);
    const ended = { count: 0 };
    const stream = streams.open<string>({
      request: { keyId, raw: {} } as unknown as FastifyRequest,
      principal: keyPrincipal(keyId, `user-of-${keyId}`),
      tenantId: "t1",
      question: "events *",
      authorise: async () => {
        lookups.authorise++;
        return "ok";
      },
      end: () => ended.count++,
      ...overrides,
    });
    return { stream, ended };
  };
  return { streams, valid, lookups, open };
}

describe("live streams", () => {
  it("re-checks 10,000 streams of one key with one credential lookup and one access lookup", async () => {
    const { streams, lookups, open } = registry();
    for (let i = 0; i < 10_000; i++) open("k1");
    open("k2");
    await streams.heartbeat();
    expect(lookups).toEqual({ authenticate: 2, authorise: 2 });
    // Every heartbeat looks again: a change made elsewhere is seen at the next one.
    await streams.heartbeat();
    expect(lookups).toEqual({ authenticate: 4, authorise: 4 });
    streams.close();
  });

  it("ends the streams of a credential that no longer authenticates, and only those", async () => {
    const { streams, valid, open } = registry();
    const revoked = open("k1");
    const kept = open("k2");
    valid.delete("k1");
    await streams.heartbeat();
    expect([revoked.stream.ended, revoked.ended.count]).toEqual([true, 1]);
    expect([kept.stream.ended, streams.size]).toEqual([false, 1]);
    streams.close();
    expect(kept.ended.count).toBe(1);
  });

  it("re-checks only the touched streams on an access change, and ends those now denied", async () => {
    const { streams, lookups, open } = registry();
    const denied = open("k1", {
      authorise: async () => {
        lookups.authorise++;
        throw new AimsError("forbidden", "demoted");
      },
    });
    const other = open("k2");
    await streams.accessChanged({ userId: "user-of-k1" });
    expect(lookups).toEqual({ authenticate: 1, authorise: 1 });
    expect([denied.stream.ended, other.stream.ended]).toEqual([true, false]);
    await streams.accessChanged({ keyId: "k2" });
    expect(other.stream.ended).toBe(false);
    streams.close();
  });

  it("applies a later check's answer over an earlier one that finishes after it", async () => {
    const { streams, open } = registry();
    const answers: Array<(v: string) => void> = [];
    const seen: string[] = [];
    open("k1", {
      authorise: () => new Promise<string>((resolve) => answers.push(resolve)),
      update: (v) => seen.push(v),
    });
    const beat = streams.heartbeat();
    await new Promise((r) => setImmediate(r));
    const change = streams.accessChanged({ keyId: "k1" });
    await new Promise((r) => setImmediate(r));
    answers[1]!("after the change");
    await change;
    answers[0]!("before the change");
    await beat;
    expect(seen).toEqual(["after the change"]);
    streams.close();
  });

  it("caps streams per key and per tenant with quota_exceeded, and frees a place when one ends", () => {
    const { streams, open } = registry({ maxPerKey: 2, maxPerTenant: 3 });
    const first = open("k1");
    open("k1");
    expect(() => open("k1")).toThrow(/API key already holds 2 open streams/);
    open("k2");
    expect(() => open("k3")).toThrow(/tenant already holds 3 open streams/);
    open("k4", { tenantId: null });
    first.stream.end();
    first.stream.end();
    expect(first.ended.count).toBe(1);
    expect(() => open("k1")).not.toThrow();
    let refused: unknown;
    try {
      open("k1");
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: "quota_exceeded", status: 429 });
    streams.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../src/store/database.js";
import { recordChange } from "../src/store/recordChange.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";
import { openSse } from "./support/sseClient.js";

let f: ApiFixture;
let a: TenantWorld;
let b: TenantWorld;
let base: string;

beforeAll(async () => {
  f = await createApiFixture({ api: { sseHeartbeatMs: 200, eventPollMs: 20 } });
  a = await buildTenant(f, "alpha");
  b = await buildTenant(f, "bravo");
  base = await f.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => f.close());

/** Writes an event of tenant A straight into the store, as another process (the reconciler, the CLI) would. */
async function writeEvent(type: string, n: number): Promise<void> {
  await withTransaction(f.platform.store.db, (trx) =>
    recordChange(trx, {
      event: { type, tenantId: a.id, subject: a.instance.id, data: { n } },
      audit: {
        actor: "test",
        source: "test",
        action: type,
        target: "instance/alpha/x",
        tenantId: a.id,
        result: "ok",
      },
    }),
  );
}

const numbers = (events: Array<{ data: string }>) =>
  events.map((e) => (JSON.parse(e.data) as { data: { n: number } }).data.n);

describe("events over SSE", () => {
  it("resumes with Last-Event-ID: exactly the missed events, none lost or repeated", async () => {
    const url = `${base}/v1/events?topics=instance.*,tenant.*`;
    const auth = { authorization: `Bearer ${a.ownerKey.key}` };
    const first = openSse(url, auth);
    const spy = openSse(`${base}/v1/events`, { authorization: `Bearer ${b.ownerKey.key}` });
    expect(await first.status).toBe(200);
    expect(await spy.status).toBe(200);
    await first.waitForComment();
    for (let n = 1; n <= 3; n++) await writeEvent("instance.test", n);
    await writeEvent("key.other", 0); // not a subscribed topic
    await first.waitFor(3);
    first.close();
    const lastSeen = first.events[2]!.id;
    // Written while nobody listens, and while the next stream catches up.
    for (let n = 4; n <= 6; n++) await writeEvent("instance.test", n);
    const second = openSse(url, { ...auth, "last-event-id": lastSeen });
    for (let n = 7; n <= 9; n++) await writeEvent("tenant.test", n);
    const got = await second.waitFor(6);
    expect(numbers(first.events)).toEqual([1, 2, 3]);
    expect(numbers(got)).toEqual([4, 5, 6, 7, 8, 9]);
    const ids = got.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids[0]).toBeGreaterThan(Number(lastSeen));
    // A late duplicate would show up here.
    await second.waitForComment();
    expect(second.events).toHaveLength(6);
    second.close();
    await spy.waitForComment();
    expect(spy.events.filter((e) => e.data.includes(a.id) || e.data.includes('"alpha"'))).toEqual([]);
    spy.close();
  });

  it("answers a missing or bad credential with the JSON error shape before streaming", async () => {
    const res = await fetch(`${base}/v1/events`, { headers: { accept: "text/event-stream" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: { code: "unauthorized" },
      requestId: expect.any(String),
    });
    const bad = await fetch(`${base}/v1/events?tenant=alpha`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${b.ownerKey.key}` },
    });
    expect(bad.status).toBe(404);
  });

  it("ends a stream when its key is revoked", async () => {
    const created = await f.call("POST", "/v1/keys", { as: a.owner.session, body: { name: "short" } });
    const stream = openSse(`${base}/v1/events`, { authorization: `Bearer ${created.json().key}` });
    expect(await stream.status).toBe(200);
    await f.call("DELETE", `/v1/keys/${created.json().id}`, { as: a.owner.session });
    // The next heartbeat re-checks the key and ends the stream.
    await stream.ended;
    stream.close();
  });
});

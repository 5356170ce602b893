import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { defineRoute } from "../src/api/route.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { tenantParams } from "../src/api/routes/params.js";
import { type ApiServer, createApiServer } from "../src/api/server.js";
import { revokeApiKeyRow } from "../src/store/apiKeyRepository.js";
import { withTransaction } from "../src/store/database.js";
import { insertMember } from "../src/store/memberRepository.js";
import { recordChange } from "../src/store/recordChange.js";
import { type Principal, requireTenant } from "../src/tenancy/principal.js";
import type { Role } from "../src/tenancy/roles.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";
import { get } from "./support/http.js";
import { openSse } from "./support/sseClient.js";
import { firstOf, openText } from "./support/textStream.js";

/**
 * Security I, findings 2, 9 and 10: every long-lived stream re-checks its credential and role (at once for
 * changes made through this server, at the next heartbeat for other processes); caps on open streams;
 * request timeouts; bounded JSON depth. Ports 53650-53699 are this file's.
 */

type Session = { cookie: string; csrf: string };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const cookieOf = (s: Session) => ({ cookie: `aims_session=${s.cookie}` });

/** Writes an event straight into the store, as another process (the reconciler, the CLI) would. */
async function writeEvent(f: ApiFixture, tenantId: string, n: number): Promise<void> {
  await withTransaction(f.platform.store.db, (trx) =>
    recordChange(trx, {
      event: { type: "instance.test", tenantId, subject: "x", data: { n } },
      audit: { actor: "test", source: "test", action: "test", target: "x", tenantId, result: "ok" },
    }),
  );
}

const numbers = (events: Array<{ data: string }>) =>
  events
    .map((e) => JSON.parse(e.data) as { type: string; data: { n?: number } })
    .filter((e) => e.type === "instance.test")
    .map((e) => e.data.n);

describe("streams are re-authorised (finding 2)", () => {
  let f: ApiFixture;
  let a: TenantWorld;
  let b: TenantWorld;
  let base: string;
  let instanceUrl: string;
  let people = 0;

  /** A new user who is a member of `tenants` with `role`, signed in. */
  async function person(tenants: TenantWorld[], role: Role): Promise<{ id: string; session: Session }> {
    const user = await f.signUp(`person${++people}@streams.example`);
    for (const t of tenants)
      await insertMember(f.platform.store.db, { tenantId: t.id, userId: user.id, role });
    return user;
  }

  /** A personal key of a new viewer of tenant A. */
  async function viewerKey(): Promise<{ id: string; key: string; session: Session }> {
    const viewer = await person([a], "viewer");
    const created = await f.call("POST", "/v1/keys", { as: viewer.session, body: { name: "tail" } });
    expect(created.statusCode, created.body).toBe(201);
    return { id: created.json().id, key: created.json().key, session: viewer.session };
  }

  /** Follows tenant A's instance logs until a line requested after it opened has arrived. */
  async function followLogs(headers: Record<string, string>, marker: string) {
    const stream = openText(`${base}/v1/tenants/alpha/instances/api/logs?follow=true&tail=0`, headers);
    // Asked again until seen: a line logged before the engine attached the follower is not in a tail of 0.
    await vi.waitFor(
      async () => {
        await get(`${instanceUrl}${marker}`);
        expect(stream.text).toContain(marker);
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(await stream.status).toBe(200);
    return stream;
  }

  beforeAll(async () => {
    f = await createApiFixture({
      ports: { min: 53650, max: 53699 },
      api: { sseHeartbeatMs: 300, eventPollMs: 20 },
    });
    a = await buildTenant(f, "alpha");
    b = await buildTenant(f, "bravo");
    const deployed = await f.call("POST", "/v1/tenants/alpha/instances", {
      as: a.owner.session,
      body: { plug: "node-api", name: "api" },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
    instanceUrl = deployed.json().url;
    base = await f.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => f.close());

  it("ends a followed log stream as soon as its key is revoked, before the next log line", async () => {
    const viewer = await viewerKey();
    const stream = await followLogs(bearer(viewer.key), "marker-revoked-1");
    const open = f.app.aims.streams.size;
    const revoked = await f.call("DELETE", `/v1/keys/${viewer.id}`, { as: viewer.session });
    expect(revoked.statusCode, revoked.body).toBe(200);
    // Ended by the time the revocation answered: not at some later heartbeat.
    expect(f.app.aims.streams.size).toBe(open - 1);
    await get(`${instanceUrl}marker-revoked-2`);
    expect(await firstOf({ ended: stream.ended, line: stream.waitFor(/marker-revoked-2/) })).toBe("ended");
    expect(stream.text).not.toContain("marker-revoked-2");
  });

  it("ends a member's followed logs as soon as they are removed from the tenant", async () => {
    const member = await person([a], "member");
    const stream = await followLogs(cookieOf(member.session), "marker-removed-1");
    const open = f.app.aims.streams.size;
    const removed = await f.call("DELETE", `/v1/tenants/alpha/members/${member.id}`, { as: a.owner.session });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(f.app.aims.streams.size).toBe(open - 1);
    await get(`${instanceUrl}marker-removed-2`);
    expect(await firstOf({ ended: stream.ended, line: stream.waitFor(/marker-removed-2/) })).toBe("ended");
  });

  it("ends followed logs and event streams at the next heartbeat when another process revokes the key", async () => {
    const viewer = await viewerKey();
    const logs = await followLogs(bearer(viewer.key), "marker-elsewhere-1");
    const events = openSse(`${base}/v1/events`, bearer(viewer.key));
    expect(await events.status).toBe(200);
    // Another process (the CLI on the host) writes the revocation: this server hears nothing of it.
    await revokeApiKeyRow(f.platform.store.db, viewer.id);
    await Promise.all([logs.ended, events.ended]);
  });

  it("ends a removed member's tenant event stream at once and narrows an unscoped one before the next event", async () => {
    const member = await person([a, b], "viewer");
    const scoped = openSse(`${base}/v1/events?tenant=alpha`, cookieOf(member.session));
    const unscoped = openSse(`${base}/v1/events`, cookieOf(member.session));
    expect(await scoped.status).toBe(200);
    expect(await unscoped.status).toBe(200);
    // Both are live once they have an event written now.
    await writeEvent(f, a.id, 0);
    await Promise.all([scoped.waitFor(1), unscoped.waitFor(1)]);
    const seen = unscoped.events.length;
    const open = f.app.aims.streams.size;
    const removed = await f.call("DELETE", `/v1/tenants/alpha/members/${member.id}`, { as: a.owner.session });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(f.app.aims.streams.size).toBe(open - 1);
    await scoped.ended;
    await writeEvent(f, a.id, 1);
    await writeEvent(f, b.id, 2);
    await unscoped.waitFor(seen + 1);
    await vi.waitFor(() => expect(numbers(unscoped.events).at(-1)).toBe(2));
    expect(numbers(unscoped.events)).toEqual([0, 2]);
    unscoped.close();
  });

  it("ends a stream at once when its user is demoted below the role it needs", async () => {
    // A stream only members may hold (like the coming chat): a viewer must not keep it.
    const needsOperate = (app: () => ApiServer) =>
      defineRoute({
        method: "GET",
        url: "/test/tenants/:tenant/console",
        summary: "a stream that needs instance.operate",
        tag: "instances",
        auth: "required",
        params: tenantParams,
        produces: "text/plain",
        handler: async ({ services, caller, params, request, reply }) => {
          const allowed = (principal: Principal) =>
            requireTenant(app().aims.platform.store.db, principal, params.tenant, "instance.operate");
          const { tenant } = await allowed(caller.principal);
          const stream = services.streams.open({
            request,
            principal: caller.principal,
            tenantId: tenant.id,
            question: `console ${params.tenant}`,
            authorise: allowed,
            end: () => reply.raw.end(),
          });
          reply.hijack();
          reply.raw.writeHead(200, { "content-type": "text/plain" });
          reply.raw.write("open\n");
          request.raw.on("close", () => stream.end());
          return undefined;
        },
      });
    const app: ApiServer = await createApiServer(f.platform, {
      routes: [...apiRoutes, needsOperate(() => app)],
    });
    const consoleBase = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const member = await person([a], "member");
      const stream = openText(`${consoleBase}/test/tenants/alpha/console`, cookieOf(member.session));
      expect(await stream.status).toBe(200);
      await stream.waitFor(/open/);
      const demoted = await f.call("PATCH", `/v1/tenants/alpha/members/${member.id}`, {
        as: a.owner.session,
        body: { role: "viewer" },
      });
      expect(demoted.statusCode, demoted.body).toBe(200);
      expect(app.aims.streams.size).toBe(0);
      await stream.ended;
    } finally {
      await app.close();
    }
  });
});

describe("caps, timeouts and JSON depth (findings 9 and 10)", () => {
  let f: ApiFixture;
  let t: TenantWorld;
  let base: string;

  beforeAll(async () => {
    f = await createApiFixture({
      ports: { min: 53650, max: 53699 },
      api: { maxStreamsPerKey: 3, maxStreamsPerTenant: 5, requestTimeoutMs: 500, sseHeartbeatMs: 60_000 },
    });
    t = await buildTenant(f, "caps");
    base = await f.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => f.close());

  async function serviceKey(name: string): Promise<string> {
    const created = await f.call("POST", "/v1/tenants/caps/keys", {
      as: t.owner.session,
      body: { name, role: "viewer" },
    });
    return created.json().key;
  }

  it("answers 429 past the streams one key, then one tenant, may hold open", async () => {
    const first = await serviceKey("first");
    const streams = [1, 2, 3].map(() => openSse(`${base}/v1/events`, bearer(first)));
    expect(await Promise.all(streams.map((s) => s.status))).toEqual([200, 200, 200]);
    const over = await fetch(`${base}/v1/events`, {
      headers: { accept: "text/event-stream", ...bearer(first) },
    });
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({
      error: { code: "quota_exceeded", message: expect.stringMatching(/3 open streams/) },
    });
    // Other keys of the tenant fill it up to its cap; followed logs count too.
    const second = await serviceKey("second");
    const more = [1, 2].map(() => openSse(`${base}/v1/events`, bearer(second)));
    expect(await Promise.all(more.map((s) => s.status))).toEqual([200, 200]);
    const third = await serviceKey("third");
    const full = await fetch(`${base}/v1/tenants/caps/instances/${t.instance.name}/logs?follow=true`, {
      headers: bearer(third),
    });
    expect(full.status).toBe(429);
    expect((await full.json()).error.message).toMatch(/tenant .*5 open streams/);
    // A closed stream frees its place.
    streams[0]!.close();
    await vi.waitFor(() => expect(f.app.aims.streams.size).toBe(4));
    const again = openSse(`${base}/v1/events`, bearer(third));
    expect(await again.status).toBe(200);
    for (const s of [...streams, ...more, again]) s.close();
    await vi.waitFor(() => expect(f.app.aims.streams.size).toBe(0));
  });

  it("sets the request and connection timeouts on the server", () => {
    expect(f.app.server.requestTimeout).toBe(500);
    expect(f.app.server.headersTimeout).toBeLessThanOrEqual(500);
    expect(f.app.server.timeout).toBe(600_000);
  });

  it("answers 408 and closes a connection whose body does not arrive in time", async () => {
    const { port } = new URL(base);
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(
      [
        "POST /v1/tenants HTTP/1.1",
        "host: 127.0.0.1",
        "content-type: application/json",
        "content-length: 100",
        `authorization: Bearer ${f.operatorKey}`,
        "",
        '{"name":',
      ].join("\r\n"),
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
      error: { code: "invalid_input", message: expect.stringMatching(/not received within/) },
      requestId: expect.stringMatching(/^req_/),
    });
  }, 20_000);

  it("refuses deeply nested JSON at parse time with 400, Idempotency-Key or not", async () => {
    // An action's body is parsed by the action, after the Idempotency-Key's hash of the body.
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    for (const headers of [{ "idempotency-key": "deep-1" }, {}]) {
      const res = await f.app.inject({
        method: "POST",
        url: `/v1/tenants/caps/instances/${t.instance.name}/actions/nope`,
        headers: { ...headers, ...bearer(f.operatorKey), "content-type": "application/json" },
        payload: deep,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({
        error: { code: "invalid_input", message: expect.stringMatching(/nested deeper than 32/) },
      });
    }
    // 32 levels parse (the schema then refuses the shape); brackets inside strings are not nesting.
    for (const payload of [
      `{"name":${"[".repeat(31)}${"]".repeat(31)}}`,
      `{"name":"${"[{".repeat(1000)}"}`,
    ]) {
      const res = await f.app.inject({
        method: "POST",
        url: "/v1/tenants",
        headers: { ...bearer(f.operatorKey), "content-type": "application/json", "idempotency-key": "ok" },
        payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).not.toMatch(/nested/);
    }
  });
});

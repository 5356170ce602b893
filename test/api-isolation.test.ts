import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec } from "../src/api/route.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { insertMember } from "../src/store/memberRepository.js";
import { type ApiFixture, type Credential, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";
import { openSse } from "./support/sseClient.js";

/**
 * Tenant isolation, table-driven over the registered route table: a new route is covered without editing
 * this file (a new path parameter name fails the test until it is given a value of tenant A's here).
 */
let f: ApiFixture;
let a: TenantWorld;
let b: TenantWorld;
/** Keys of B narrowed to a tenant, a role or scopes: they lack the account scope. */
let narrowed: Array<[string, Credential]>;
/** A listening server, for the streams. */
let base: string;

beforeAll(async () => {
  f = await createApiFixture();
  a = await buildTenant(f, "alpha");
  b = await buildTenant(f, "bravo");
  const key = async (as: Credential, body: object) =>
    ({ key: (await f.call("POST", "/v1/keys", { as, body })).json().key as string }) as Credential;
  // A person in both tenants, with a key of theirs limited to A: their B-limited key must not reveal it.
  const dual = await f.signUp("dual@both.example");
  await insertMember(f.platform.store.db, { tenantId: a.id, userId: dual.id, role: "viewer" });
  await insertMember(f.platform.store.db, { tenantId: b.id, userId: dual.id, role: "member" });
  await key(dual.session, { name: "a-only", tenant: a.name });
  narrowed = [
    [
      "B-limited read key of a member of A and B",
      await key(dual.session, {
        name: "b-read",
        tenant: b.name,
        scopes: ["tenant.read", "instance.read", "key.manage"],
      }),
    ],
    ["B owner viewer-capped key", await key(b.owner.session, { name: "capped", role: "viewer" })],
  ];
  base = await f.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => f.close());

/** Tenant A's value for every path parameter a route may have. */
function aParams(): Record<string, string> {
  return {
    tenant: a.name,
    name: a.instance.name,
    userId: a.members.viewer.id,
    invitationId: a.invitation.id,
    keyId: a.serviceKey.id,
    action: "stop",
    plug: "static-site",
    approvalId: a.approval.id,
    conversationId: a.conversation.id,
    channelId: a.webhook.id,
    plugName: a.plug.name,
    service: "web",
  };
}

function fill(route: RouteSpec, params: Record<string, string>): string {
  return route.url.replace(/:(\w+)/g, (_m, p: string) => {
    if (!(p in params))
      throw new Error(`isolation test has no tenant-A value for path parameter :${p} (${route.url})`);
    return params[p]!;
  });
}

/** Every identifier of tenant A that must never reach B. */
function aSecrets(): string[] {
  return [
    a.id,
    a.instance.id,
    a.owner.id,
    a.ownerKey.id,
    a.serviceKey.id,
    a.invitation.id,
    ...Object.values(a.members).map((m) => m.id),
    a.approval.id,
    a.conversation.id,
    a.webhook.id,
    `"${a.name}"`,
    a.instance.name,
    a.plug.name,
  ];
}

/** B's credentials; the first two hold the account scope. */
function bCredentials(): Array<[string, Credential]> {
  return [
    ["B owner session", b.owner.session],
    ["B owner personal key", { key: b.ownerKey.key }],
    ["B admin service key", { key: b.serviceKey.key }],
    ...narrowed,
  ];
}

const holdsAccountScope = (who: string) => who === "B owner session" || who === "B owner personal key";

function withTenantA(route: RouteSpec): { query?: Record<string, string>; body?: unknown } {
  const query = route.example?.query ? { ...route.example.query } : undefined;
  let body = route.example?.body;
  if (
    body &&
    typeof body === "object" &&
    route.body &&
    "shape" in route.body &&
    "tenant" in (route.body as { shape: object }).shape
  )
    body = { ...(body as object), tenant: a.name };
  return { ...(query ? { query } : {}), ...(body !== undefined ? { body } : {}) };
}

const tenantRoutes = apiRoutes.filter((r) => r.url.includes(":tenant"));

/** Headers of a credential for a plain HTTP client (no CSRF token: streams are GETs). */
function headersOf(as: Credential): Record<string, string> {
  if (as && "key" in as) return { authorization: `Bearer ${as.key}` };
  return as ? { cookie: `aims_session=${as.cookie}` } : {};
}

// Before the route table: its last test signs B out.
describe("streams over the route table", () => {
  const streamRoutes = apiRoutes.filter(
    (r) =>
      r.produces === "text/event-stream" ||
      r.url.endsWith("/logs") ||
      r.url === "/v1/tenants/:tenant/instances/:name/metrics",
  );
  /** Tenant A's stream URL of a stream route. */
  const streamUrl = (route: RouteSpec) =>
    `${base}${fill(route, aParams())}${route.url.endsWith("/logs") ? "?follow=true" : route.url === "/v1/events" ? "?tenant=alpha" : ""}`;

  it("covers the event stream, followed logs, live samples and ACHEEVY's chat", () => {
    expect(streamRoutes.map((r) => r.url).sort()).toEqual([
      "/v1/events",
      "/v1/tenants/:tenant/chat",
      "/v1/tenants/:tenant/instances/:name/logs",
      "/v1/tenants/:tenant/instances/:name/metrics",
    ]);
  });

  for (const route of streamRoutes)
    it(`${route.url}: tenant B cannot open tenant A's stream`, async () => {
      const post = route.method === "POST";
      for (const [who, as] of bCredentials()) {
        const res = await fetch(streamUrl(route), {
          method: route.method,
          headers: {
            accept: "text/event-stream",
            ...headersOf(as),
            ...(post ? { "content-type": "application/json" } : {}),
            ...(post && as && "csrf" in as ? { "x-csrf-token": as.csrf } : {}),
          },
          ...(post ? { body: JSON.stringify(route.example?.body ?? {}) } : {}),
        });
        const body = await res.text();
        expect(res.status, `${who}: ${body}`).toBe(404);
        for (const id of aSecrets().filter((s) => s !== `"${a.name}"` && s !== a.instance.name))
          expect(body, who).not.toContain(id);
      }
    });

  /** A new viewer of A, signed in; removed again by the test that uses it. */
  async function memberOfA(email: string) {
    const user = await f.signUp(email);
    await insertMember(f.platform.store.db, { tenantId: a.id, userId: user.id, role: "viewer" });
    return user;
  }

  const losses: Array<[string, () => Promise<{ as: Credential; lose: () => Promise<number> }>]> = [
    [
      "a personal key, revoked",
      async () => {
        const user = await memberOfA("key.revoked@alpha.example");
        const key = (await f.call("POST", "/v1/keys", { as: user.session, body: { name: "k" } })).json();
        return {
          as: { key: key.key },
          lose: async () => {
            const done = (await f.call("DELETE", `/v1/keys/${key.id}`, { as: user.session })).statusCode;
            await f.call("DELETE", `/v1/tenants/alpha/members/${user.id}`, { as: a.owner.session });
            return done;
          },
        };
      },
    ],
    [
      "a service key, revoked by the tenant",
      async () => {
        const key = (
          await f.call("POST", "/v1/tenants/alpha/keys", {
            as: a.owner.session,
            body: { name: "s", role: "viewer" },
          })
        ).json();
        return {
          as: { key: key.key },
          lose: async () =>
            (await f.call("DELETE", `/v1/tenants/alpha/keys/${key.id}`, { as: a.owner.session })).statusCode,
        };
      },
    ],
    [
      "a session, its user removed from the tenant",
      async () => {
        const user = await memberOfA("removed@alpha.example");
        return {
          as: user.session,
          lose: async () =>
            (await f.call("DELETE", `/v1/tenants/alpha/members/${user.id}`, { as: a.owner.session }))
              .statusCode,
        };
      },
    ],
    [
      "a session, signed out",
      async () => {
        const user = await memberOfA("signed.out@alpha.example");
        return {
          as: user.session,
          lose: async () => {
            const done = (await f.call("DELETE", "/v1/sessions/current", { as: user.session })).statusCode;
            await f.call("DELETE", `/v1/tenants/alpha/members/${user.id}`, { as: a.owner.session });
            return done;
          },
        };
      },
    ],
  ];
  for (const [what, setUp] of losses)
    it(`ends tenant A's event stream of ${what}, before the change answers`, async () => {
      const { as, lose } = await setUp();
      const stream = openSse(`${base}/v1/events?tenant=alpha`, headersOf(as));
      expect(await stream.status).toBe(200);
      const open = f.app.aims.streams.size;
      expect(open).toBeGreaterThan(0);
      expect(await lose()).toBeLessThan(300);
      // Gone by the time the change answered (the heartbeat, 15 s away, played no part).
      expect(f.app.aims.streams.size).toBe(open - 1);
      await stream.ended;
    });

  it("refuses a body nested too deep before looking up any tenant (400, nothing of A's)", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    for (const route of tenantRoutes.filter((r) => r.body)) {
      const res = await f.app.inject({
        method: route.method,
        url: fill(route, aParams()),
        headers: {
          ...headersOf({ key: b.ownerKey.key }),
          "content-type": "application/json",
          "idempotency-key": "deep",
        },
        payload: deep,
      });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(400);
      expect(res.json().error.message).toMatch(/nested deeper than/);
      for (const id of aSecrets()) expect(res.body).not.toContain(id);
    }
  });
});

describe("tenant isolation over the route table", () => {
  it("covers every route that names a tenant", () => {
    expect(tenantRoutes.length).toBeGreaterThan(15);
  });

  for (const route of tenantRoutes) {
    it(`${route.method} ${route.url} answers 404 to tenant B for tenant A's objects`, async () => {
      const url = fill(route, aParams());
      const { body } = withTenantA(route);
      for (const [who, as] of bCredentials()) {
        const res = await f.call(route.method, url, { as, body: route.body ? (body ?? {}) : undefined });
        expect(res.statusCode, `${who}: ${res.body}`).toBe(404);
        expect(res.json()).toMatchObject({ error: { code: "not_found" }, requestId: expect.any(String) });
        for (const id of aSecrets().filter(
          (s) => s !== `"${a.name}"` && s !== a.instance.name && !url.includes(s),
        ))
          expect(res.body, who).not.toContain(id);
      }
    });
  }

  // Signing out ends B's session: run those last.
  const signOutLast = (r: RouteSpec) => (r.method === "DELETE" && r.url.startsWith("/v1/sessions") ? 1 : 0);
  const otherRoutes = apiRoutes
    .filter((r) => !r.url.includes(":tenant") && r.auth !== "none")
    .sort((x, y) => signOutLast(x) - signOutLast(y));
  for (const route of otherRoutes) {
    it(`${route.method} ${route.url} never shows tenant A's objects to tenant B`, async () => {
      const url = fill(route, aParams());
      const queries: Array<Record<string, string> | undefined> = [undefined];
      if (route.query && "shape" in route.query && "tenant" in (route.query as { shape: object }).shape)
        queries.push({ tenant: a.name });
      const { body } = withTenantA(route);
      for (const [who, as] of bCredentials()) {
        for (const query of queries) {
          const qs = query ? `?${new URLSearchParams(query)}` : "";
          const res = await f.call(route.method, `${url}${qs}`, {
            as,
            body: route.body ? (body ?? {}) : undefined,
          });
          expect(res.statusCode, `${who} ${qs}: ${res.body}`).toBeLessThan(500);
          // Without the account scope an account route refuses before it looks at any tenant.
          if (route.scope === "account" && !holdsAccountScope(who))
            expect(res.statusCode, `${who} ${qs}: ${res.body}`).toBe(403);
          else if (query || (body && typeof body === "object" && "tenant" in body))
            expect(res.statusCode, `${who} ${qs}`).toBe(404);
          // An id the request itself named may be echoed in "no such ..." messages; nothing else of A's may appear.
          for (const id of aSecrets().filter((s) => !`${url}${qs}`.includes(s.replaceAll('"', ""))))
            expect(res.body, `${who} ${route.method} ${url}${qs}`).not.toContain(id);
        }
      }
    });
  }

  it("left tenant A untouched", async () => {
    const view = await f.call("GET", `/v1/tenants/${a.name}/instances/${a.instance.name}`, {
      as: a.owner.session,
    });
    expect(view.json()).toMatchObject({ state: "ready" });
    const keys = await f.call("GET", `/v1/tenants/${a.name}/keys`, { as: a.owner.session });
    expect(keys.json().items.find((k: { id: string }) => k.id === a.serviceKey.id).revokedAt).toBeNull();
    const members = await f.call("GET", `/v1/tenants/${a.name}/members`, { as: a.owner.session });
    expect(members.json().items).toHaveLength(6); // the owner, one per role, and the member of A and B
    const invitations = await f.call("GET", `/v1/tenants/${a.name}/invitations`, { as: a.owner.session });
    expect(invitations.json().items[0].status).toBe("open");
  });

  const accountRoutes = apiRoutes.filter((r) => r.scope === "account");
  it("marks the account routes: keys, invitation acceptance, password, sessions", () => {
    expect(accountRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      "DELETE /v1/keys/:keyId",
      "DELETE /v1/sessions",
      "DELETE /v1/sessions/current",
      "GET /v1/keys",
      "POST /v1/invitations/accept",
      "POST /v1/keys",
      "POST /v1/users/me/password",
    ]);
  });

  for (const route of accountRoutes)
    it(`${route.method} ${route.url} refuses keys narrowed to a tenant, a role or scopes (403)`, async () => {
      const url = fill(route, { ...aParams(), keyId: b.ownerKey.id });
      for (const [who, as] of [...narrowed, ["B admin service key", { key: b.serviceKey.key }] as const]) {
        const res = await f.call(route.method, url, {
          as,
          body: route.body ? (route.example?.body ?? {}) : undefined,
        });
        expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
        expect(res.json().error.message).toMatch(/account scope/);
      }
      const still = await f.call("GET", "/v1/tenants/bravo", { as: { key: b.ownerKey.key } });
      expect(still.statusCode, "B's unrestricted key survived the narrowed keys").toBe(200);
    });

  it("keeps A's personal key out of B's reach", async () => {
    const res = await f.call("DELETE", `/v1/keys/${a.ownerKey.id}`, { as: { key: b.ownerKey.key } });
    expect(res.statusCode).toBe(404);
  });
});

import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureOperatorKey } from "../src/api/server.js";
import { type ApiFixture, createApiFixture, type Method, signIn } from "./support/apiFixture.js";

/**
 * People and keys end to end through the API: invitations, passwords, sessions and CSRF, key revocation and
 * expiry, Idempotency-Key, audit. Every response after creation, every log line, event and audit entry is
 * then searched for the passwords, keys and tokens used.
 */
let f: ApiFixture;
const transcript: string[] = [];
const secrets = new Set<string>();
const P1 = "first password for ada 1";
const P2 = "grace hopper's own passphrase";
const P3 = "ada's second password, longer";

type As = Parameters<ApiFixture["call"]>[2];

/** A call whose response must not carry any secret (everything but the one answer that creates it). */
async function call(method: Method, url: string, options?: As) {
  const res = await f.call(method, url, options);
  transcript.push(`${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
  return res;
}

beforeAll(async () => {
  f = await createApiFixture();
  secrets.add(f.operatorKey);
  for (const p of [P1, P2, P3]) secrets.add(p);
});
afterAll(() => f.close());

describe("people and keys", () => {
  let ada: { cookie: string; csrf: string };
  let adaId: string;
  const op = () => ({ key: f.operatorKey });

  it("writes the operator key once to a 0600 file and never logs it", async () => {
    const again = await ensureOperatorKey(f.platform);
    expect(again.created).toBe(false);
    expect(statSync(again.path).mode & 0o777).toBe(0o600);
    expect(f.logs.join("")).toContain(again.path);
  });

  it("creates a user, signs in with a cookie session and enforces CSRF on changes", async () => {
    const created = await call("POST", "/v1/users", {
      as: op(),
      body: { email: "Ada@Example.com", password: P1 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      email: "ada@example.com",
      platformAdmin: false,
      createdAt: expect.any(String),
    });
    adaId = created.json().id;
    const login = await f.call("POST", "/v1/sessions", { body: { email: "ada@example.com", password: P1 } });
    const cookie = login.cookies.find((c) => c.name === "aims_session")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    ada = { cookie: cookie.value, csrf: login.json().csrfToken };
    secrets.add(ada.cookie).add(ada.csrf);
    expect((await call("GET", "/v1/users/me", { as: ada })).json().email).toBe("ada@example.com");
    const headers = { cookie: `aims_session=${ada.cookie}` };
    const noToken = await call("POST", "/v1/tenants", { headers, body: { name: "csrf" } });
    expect(noToken.statusCode).toBe(403);
    const wrong = await call("POST", "/v1/tenants", {
      headers: { ...headers, "x-csrf-token": "nope" },
      body: { name: "csrf" },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await call("POST", "/v1/tenants", { as: ada, body: { name: "adas" } })).statusCode).toBe(201);
    const bad = await call("POST", "/v1/sessions", {
      body: { email: "ada@example.com", password: "wrong password here" },
    });
    expect(bad.statusCode).toBe(401);
    const nobody = await call("POST", "/v1/sessions", {
      body: { email: "nobody@example.com", password: P1 },
    });
    expect(nobody.json().error).toEqual(bad.json().error);
  });

  it("invites by single-use token; a new person sets a password", async () => {
    const invite = await f.call("POST", "/v1/tenants/adas/invitations", {
      as: ada,
      body: { email: "grace@example.com", role: "admin" },
    });
    expect(invite.statusCode, invite.body).toBe(201);
    const token = invite.json().token as string;
    secrets.add(token);
    const weak = await call("POST", "/v1/invitations/accept", { body: { token, password: "short" } });
    expect(weak.statusCode).toBe(400);
    const accepted = await call("POST", "/v1/invitations/accept", { body: { token, password: P2 } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({
      tenant: "adas",
      role: "admin",
      user: { email: "grace@example.com" },
    });
    const again = await call("POST", "/v1/invitations/accept", { body: { token, password: P2 } });
    expect(again.statusCode).toBe(409);
    const grace = await signIn(f.call, "grace@example.com", P2);
    secrets.add(grace.cookie).add(grace.csrf);
    expect((await call("GET", "/v1/tenants/adas", { as: grace })).json().role).toBe("admin");
    const listed = await call("GET", "/v1/tenants/adas/invitations", { as: ada });
    expect(listed.json().items[0]).toMatchObject({ status: "accepted", email: "grace@example.com" });
  });

  it("changes a password: the old one stops working and other sessions end", async () => {
    const other = await signIn(f.call, "ada@example.com", P1);
    secrets.add(other.cookie).add(other.csrf);
    const wrong = await call("POST", "/v1/users/me/password", {
      as: ada,
      body: { currentPassword: "not it at all", newPassword: P3 },
    });
    expect(wrong.statusCode).toBe(403);
    const changed = await call("POST", "/v1/users/me/password", {
      as: ada,
      body: { currentPassword: P1, newPassword: P3 },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await call("GET", "/v1/users/me", { as: other })).statusCode).toBe(401);
    expect((await call("GET", "/v1/users/me", { as: ada })).statusCode).toBe(200);
    expect(
      (await call("POST", "/v1/sessions", { body: { email: "ada@example.com", password: P1 } })).statusCode,
    ).toBe(401);
    const fresh = await signIn(f.call, "ada@example.com", P3);
    secrets.add(fresh.cookie).add(fresh.csrf);
  });

  it("shows a key once, stores only its digest and prefix, and honours revocation and expiry", async () => {
    const created = await f.call("POST", "/v1/keys", { as: ada, body: { name: "laptop", tenant: "adas" } });
    const { key, id, prefix } = created.json() as { key: string; id: string; prefix: string };
    secrets.add(key);
    expect(key).toMatch(/^aims_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(prefix)).toBe(true);
    const row = await f.platform.store.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(Object.values(row)).not.toContain(key);
    expect((await call("GET", "/v1/tenants/adas", { as: { key } })).statusCode).toBe(200);
    expect(
      (await call("GET", "/v1/keys", { as: ada })).json().items.map((k: { id: string }) => k.id),
    ).toContain(id);
    expect((await call("DELETE", `/v1/keys/${id}`, { as: ada })).statusCode).toBe(200);
    expect((await call("GET", "/v1/tenants/adas", { as: { key } })).statusCode).toBe(401);

    const soon = await f.call("POST", "/v1/tenants/adas/keys", {
      as: ada,
      body: { name: "temp", role: "viewer", expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    secrets.add(soon.json().key);
    expect((await call("GET", "/v1/tenants/adas", { as: { key: soon.json().key } })).statusCode).toBe(200);
    await f.platform.store.db
      .updateTable("api_keys")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", soon.json().id)
      .execute();
    expect((await call("GET", "/v1/tenants/adas", { as: { key: soon.json().key } })).statusCode).toBe(401);
    const past = await call("POST", "/v1/keys", {
      as: ada,
      body: { name: "old", expiresAt: "2001-01-01T00:00:00Z" },
    });
    expect(past.statusCode).toBe(400);
  });

  it("honours Idempotency-Key on POST: same request replays, another is a conflict, secrets are never replayed", async () => {
    const headers = { "idempotency-key": "create-team-1" };
    const first = await call("POST", "/v1/tenants", { as: ada, headers, body: { name: "team" } });
    const second = await call("POST", "/v1/tenants", { as: ada, headers, body: { name: "team" } });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(
      (await call("POST", "/v1/tenants", { as: ada, headers, body: { name: "other" } })).statusCode,
    ).toBe(409);
    const keyHeaders = { "idempotency-key": "key-1" };
    const key = await f.call("POST", "/v1/keys", { as: ada, headers: keyHeaders, body: { name: "once" } });
    secrets.add(key.json().key);
    const replay = await call("POST", "/v1/keys", { as: ada, headers: keyHeaders, body: { name: "once" } });
    expect(replay.statusCode).toBe(409);
    const stored = await f.platform.store.db.selectFrom("idempotency_keys").select("response").execute();
    for (const r of stored) expect(r.response ?? "").not.toContain("aims_");
  });

  it("audits every change with the actor, the target and the source address", async () => {
    const audit = await call("GET", "/v1/tenants/adas/audit?limit=200", { as: ada });
    const actions = audit.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "tenant.create",
        "invitation.create",
        "invitation.accept",
        "key.create",
        "key.revoke",
      ]),
    );
    for (const e of audit.json().items)
      expect(e.source).toMatch(/^api (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    const all = await call("GET", "/v1/audit?limit=200", { as: op() });
    expect(all.json().items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["user.create", "user.change_password", "session.create"]),
    );
    expect(all.json().items.find((e: { result: string }) => e.result === "failed")).toMatchObject({
      action: "session.create",
      actor: "anonymous",
    });
    expect((await call("GET", "/v1/audit", { as: ada })).statusCode).toBe(403);
  });

  it("never lets a password, key or token appear in later responses, logs, events or audit entries", async () => {
    const db = f.platform.store.db;
    const events = (await db.selectFrom("events").selectAll().execute()).map((e) => JSON.stringify(e));
    const audit = (await db.selectFrom("audit_entries").selectAll().execute()).map((e) => JSON.stringify(e));
    const haystacks: Array<[string, string]> = [
      ["responses", transcript.join("\n")],
      ["logs", f.logs.join("")],
      ["events", events.join("\n")],
      ["audit", audit.join("\n")],
    ];
    expect(secrets.size).toBeGreaterThan(12);
    for (const [where, text] of haystacks) {
      expect(text.length, where).toBeGreaterThan(100);
      for (const secret of secrets)
        expect(text.includes(secret), `${where} holds a secret (${secret.slice(0, 6)}…)`).toBe(false);
      expect(text, where).not.toContain("$argon2");
    }
    expect(adaId).toBeTruthy();
  });
});

describe("session cookies", () => {
  const login = (fixture: ApiFixture) =>
    fixture.call("POST", "/v1/sessions", { body: { email: "lin@example.com", password: P1 } });

  it("are __Host- cookies when secure (the default): Secure, host-only, Path=/; a plain aims_session is not read", async () => {
    const g = await createApiFixture({ api: { secureCookies: true } });
    try {
      await g.call("POST", "/v1/users", {
        as: { key: g.operatorKey },
        body: { email: "lin@example.com", password: P1 },
      });
      const res = await login(g);
      expect(res.statusCode).toBe(201);
      expect(res.cookies.map((c) => c.name).sort()).toEqual(["__Host-aims_csrf", "__Host-aims_session"]);
      for (const c of res.cookies) {
        expect(c).toMatchObject({ secure: true, path: "/", sameSite: "Strict" });
        expect(c.domain).toBeUndefined();
      }
      const token = res.cookies.find((c) => c.name === "__Host-aims_session")!.value;
      const me = (cookie: string) => g.call("GET", "/v1/users/me", { headers: { cookie } });
      expect((await me(`__Host-aims_session=${token}`)).statusCode).toBe(200);
      // A cookie another host could have planted under the plain name counts for nothing.
      expect((await me(`aims_session=${token}`)).statusCode).toBe(401);
      const out = await g.call("DELETE", "/v1/sessions/current", {
        headers: { cookie: `__Host-aims_session=${token}`, "x-csrf-token": res.json().csrfToken },
      });
      expect(out.statusCode).toBe(204);
      const cleared = out.cookies.find((c) => c.name === "__Host-aims_session")!;
      expect(cleared).toMatchObject({ value: "", secure: true, path: "/" });
    } finally {
      await g.close();
    }
  });

  it("stay host-only under their plain names when cookies are not secure (plain HTTP)", async () => {
    await f.call("POST", "/v1/users", {
      as: { key: f.operatorKey },
      body: { email: "lin@example.com", password: P1 },
    });
    const res = await login(f);
    expect(res.cookies.map((c) => c.name).sort()).toEqual(["aims_csrf", "aims_session"]);
    for (const c of res.cookies) {
      expect(c.secure).toBeUndefined();
      expect(c.domain).toBeUndefined();
      expect(c.path).toBe("/");
    }
    secrets.add(res.cookies.find((c) => c.name === "aims_session")!.value).add(res.json().csrfToken);
  });
});

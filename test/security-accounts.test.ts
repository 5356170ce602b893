import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../src/api/routes/index.js";
import { insertMember } from "../src/store/memberRepository.js";
import {
  type ApiFixture,
  type Credential,
  createApiFixture,
  PASSWORD,
  signIn,
} from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";

/**
 * The attacks of the review "Security I" (findings 4-8) on people, keys and invitations, each as the reviewer
 * ran it: derived keys outliving their parent, rights that survive demotion and removal, password guessing,
 * idempotent replays by someone who lost access, and narrowed keys acting on the whole account.
 */
let f: ApiFixture;
let t: TenantWorld;

beforeAll(async () => {
  f = await createApiFixture();
  t = await buildTenant(f, "acct");
});
afterAll(() => f.close());

const owner = () => t.owner.session;
const db = () => f.platform.store.db;

/** A new user who is a member of tenant acct with `role`. */
async function memberOf(email: string, role: "admin" | "member" | "viewer") {
  const user = await f.signUp(email);
  await insertMember(db(), { tenantId: t.id, userId: user.id, role });
  return user;
}

async function newKey(as: Credential, body: Record<string, unknown>) {
  const res = await f.call("POST", "/v1/keys", { as, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string; expiresAt: string | null };
}

/** Moves every throttle's clock past its wait, as if the back-off had passed. */
async function letBackOffPass() {
  await db()
    .updateTable("throttles")
    .set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() })
    .execute();
}

function signInFrom(address: string, email: string, password: string) {
  return f.app.inject({
    method: "POST",
    url: "/v1/sessions",
    payload: { email, password },
    remoteAddress: address,
  });
}

describe("finding 4: a key made by a key never outlives or outranks it", () => {
  it("a key expiring in 90 s mints only keys that expire with it, and they die with it", async () => {
    const parent = await newKey(owner(), {
      name: "short",
      expiresAt: new Date(Date.now() + 90_000).toISOString(),
    });
    const child = await newKey({ key: parent.key }, { name: "child" });
    expect(child.expiresAt).toBe(parent.expiresAt);
    const later = await f.call("POST", "/v1/keys", {
      as: { key: parent.key },
      body: { name: "later", expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(later.statusCode, later.body).toBe(403);
    const service = await f.call("POST", "/v1/tenants/acct/keys", {
      as: { key: parent.key },
      body: { name: "svc-short", role: "member" },
    });
    expect(service.statusCode, service.body).toBe(201);
    expect(service.json().expiresAt).toBe(parent.expiresAt);
    expect((await f.call("GET", "/v1/tenants/acct", { as: { key: child.key } })).statusCode).toBe(200);

    // Even a derived key stored without an expiry (an older release) dies when its parent expires.
    await db().updateTable("api_keys").set({ expires_at: null }).where("id", "=", child.id).execute();
    await db()
      .updateTable("api_keys")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", parent.id)
      .execute();
    for (const key of [child.key, service.json().key as string])
      expect((await f.call("GET", "/v1/tenants/acct", { as: { key } })).statusCode).toBe(401);
  });

  it("a revoked key takes the keys it made with it", async () => {
    const parent = await newKey(owner(), { name: "parent" });
    const child = await newKey({ key: parent.key }, { name: "child" });
    const grandchild = await newKey({ key: child.key }, { name: "grandchild" });
    expect((await f.call("DELETE", `/v1/keys/${parent.id}`, { as: owner() })).statusCode).toBe(200);
    for (const key of [child.key, grandchild.key])
      expect((await f.call("GET", "/v1/tenants/acct", { as: { key } })).statusCode).toBe(401);
  });

  it("a derived service key never exceeds its maker in role, tenant or scope", async () => {
    const admin = await memberOf("derive.admin@acct.example", "admin");
    const limited = await newKey(admin.session, {
      name: "lim",
      tenant: "acct",
      scopes: ["tenant.read", "key.manage", "member.manage"],
    });
    const tooHigh = await f.call("POST", "/v1/tenants/acct/keys", {
      as: { key: limited.key },
      body: { name: "x", role: "owner" },
    });
    expect(tooHigh.statusCode).toBe(403);
    const wider = await f.call("POST", "/v1/tenants/acct/keys", {
      as: { key: limited.key },
      body: { name: "x", role: "admin", scopes: ["instance.delete"] },
    });
    expect(wider.statusCode).toBe(403);
    const ok = await f.call("POST", "/v1/tenants/acct/keys", {
      as: { key: limited.key },
      body: { name: "x", role: "admin" },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().scopes).toEqual(["tenant.read", "key.manage", "member.manage"]);
  });
});

describe("finding 5: rights end with the standing of whoever granted them", () => {
  it("a demoted admin's service key drops to the admin's new role; a removed admin's stops working", async () => {
    const admin = await memberOf("svc.admin@acct.example", "admin");
    const created = await f.call("POST", "/v1/tenants/acct/keys", {
      as: admin.session,
      body: { name: "ci", role: "admin" },
    });
    const key = created.json().key as string;
    expect((await f.call("GET", "/v1/tenants/acct/keys", { as: { key } })).statusCode).toBe(200);

    const demote = await f.call("PATCH", `/v1/tenants/acct/members/${admin.id}`, {
      as: owner(),
      body: { role: "viewer" },
    });
    expect(demote.statusCode, demote.body).toBe(200);
    expect((await f.call("GET", "/v1/tenants/acct/keys", { as: { key } })).statusCode).toBe(403);
    expect((await f.call("GET", "/v1/tenants/acct", { as: { key } })).json().role).toBe("viewer");

    const removed = await f.call("DELETE", `/v1/tenants/acct/members/${admin.id}`, { as: owner() });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await f.call("GET", "/v1/tenants/acct", { as: { key } })).statusCode).toBe(401);
  });

  it("a service key made by a service key ends when its maker's maker is removed", async () => {
    const admin = await memberOf("chain.admin@acct.example", "admin");
    const first = await f.call("POST", "/v1/tenants/acct/keys", {
      as: admin.session,
      body: { name: "first", role: "admin" },
    });
    const second = await f.call("POST", "/v1/tenants/acct/keys", {
      as: { key: first.json().key },
      body: { name: "second", role: "member" },
    });
    expect(second.statusCode, second.body).toBe(201);
    await f.call("DELETE", `/v1/tenants/acct/members/${admin.id}`, { as: owner() });
    expect((await f.call("GET", "/v1/tenants/acct", { as: { key: second.json().key } })).statusCode).toBe(
      401,
    );
  });

  it("an invitation is accepted only while its maker could still make it", async () => {
    const admin = await memberOf("inv.admin@acct.example", "admin");
    const invite = async (email: string) => {
      const res = await f.call("POST", "/v1/tenants/acct/invitations", {
        as: admin.session,
        body: { email, role: "admin" },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().token as string;
    };
    const beforeDemotion = await invite("late.admin@acct.example");
    const stillFine = await invite("fine.member@acct.example");
    await f.call("PATCH", `/v1/tenants/acct/members/${admin.id}`, { as: owner(), body: { role: "viewer" } });
    const refused = await f.call("POST", "/v1/invitations/accept", {
      body: { token: beforeDemotion, password: PASSWORD },
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.message).toMatch(/no longer/);
    // Made an admin again, the maker's invitations count again.
    await f.call("PATCH", `/v1/tenants/acct/members/${admin.id}`, { as: owner(), body: { role: "admin" } });
    const accepted = await f.call("POST", "/v1/invitations/accept", {
      body: { token: stillFine, password: PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);

    const afterRemoval = await invite("gone.admin@acct.example");
    await f.call("DELETE", `/v1/tenants/acct/members/${admin.id}`, { as: owner() });
    const gone = await f.call("POST", "/v1/invitations/accept", {
      body: { token: afterRemoval, password: PASSWORD },
    });
    expect(gone.statusCode, gone.body).toBe(409);
  });
});

describe("finding 6: password guessing is throttled per account and per address", () => {
  it("backs off after 5 failures for an account, with 429 and a growing Retry-After, whatever the password", async () => {
    const victim = await f.signUp("victim@acct.example");
    const attacker = "203.0.113.7";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await signInFrom(attacker, "victim@acct.example", `wrong guess ${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const throttled = await signInFrom(attacker, "victim@acct.example", PASSWORD);
    expect(throttled.statusCode, "the right password gets the same 429: no oracle").toBe(429);
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.json()).toMatchObject({ error: { code: "rate_limited" } });

    await letBackOffPass();
    expect((await signInFrom(attacker, "victim@acct.example", "wrong again")).statusCode).toBe(401);
    const longer = await signInFrom(attacker, "victim@acct.example", "wrong again");
    expect(longer.statusCode).toBe(429);
    expect(longer.headers["retry-after"]).toBe("2");

    // Another address is throttled too (the account is), but not the address the victim signed in from before.
    expect((await signInFrom("198.51.100.9", "victim@acct.example", PASSWORD)).statusCode).toBe(429);
    const home = await signInFrom("127.0.0.1", "victim@acct.example", PASSWORD);
    expect(home.statusCode, "not a lock-out: the owner still signs in from a known address").toBe(201);
    expect(victim.id).toBeTruthy();

    // Once the wait has passed, the right password works from anywhere, and resets the account's count.
    await letBackOffPass();
    expect((await signInFrom("198.51.100.9", "victim@acct.example", PASSWORD)).statusCode).toBe(201);
    expect((await signInFrom("198.51.100.9", "victim@acct.example", "one slip")).statusCode).toBe(401);
    expect((await signInFrom("198.51.100.9", "victim@acct.example", PASSWORD)).statusCode).toBe(201);

    const audit = await f.call("GET", "/v1/audit?limit=200", { as: { key: f.operatorKey } });
    const entries = audit.json().items as Array<{ action: string; result: string; source: string }>;
    expect(
      entries.filter((e) => e.action === "session.create" && e.result === "failed").length,
    ).toBeGreaterThanOrEqual(7);
    expect(entries.find((e) => e.action === "session.throttle")).toMatchObject({
      result: "denied",
      source: `api ${attacker}`,
    });
  });

  it("backs off after 10 failures from one address, across accounts, but lets known accounts in there", async () => {
    const address = "192.0.2.50";
    await f.signUp("regular@acct.example");
    expect((await signInFrom(address, "regular@acct.example", PASSWORD)).statusCode).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await signInFrom(address, `spray${i}@acct.example`, "password123456")).statusCode);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // Someone who signed in from this address before (a shared office, a proxy) is counted on their own there.
    expect((await signInFrom(address, "regular@acct.example", PASSWORD)).statusCode).toBe(201);
    for (let i = 0; i < 5; i++)
      expect((await signInFrom(address, "regular@acct.example", `guess ${i}`)).statusCode).toBe(401);
    expect((await signInFrom(address, "regular@acct.example", PASSWORD)).statusCode).toBe(429);
  });

  it("counts parallel guesses before checking them: 60 at once verify no more than the allowance", async () => {
    await f.signUp("parallel@acct.example");
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => signInFrom("192.0.2.77", "parallel@acct.example", `guess ${i}`)),
    );
    const checked = answers.filter((r) => r.statusCode === 401).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(answers.filter((r) => r.statusCode === 429).length).toBe(60 - checked);
  });

  it("throttles and audits invitation acceptance, the second password oracle", async () => {
    const existing = await f.signUp("invited.existing@acct.example");
    const invitation = await f.call("POST", "/v1/tenants/acct/invitations", {
      as: owner(),
      body: { email: "invited.existing@acct.example", role: "viewer" },
    });
    const token = invitation.json().token as string;
    const accept = (password: string) =>
      f.app.inject({
        method: "POST",
        url: "/v1/invitations/accept",
        payload: { token, password },
        remoteAddress: "203.0.113.99",
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await accept(`not the password ${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await accept(PASSWORD)).statusCode).toBe(429);
    const unknown = await f.app.inject({
      method: "POST",
      url: "/v1/invitations/accept",
      payload: { token: "aimsinv_nothing", password: PASSWORD },
      remoteAddress: "203.0.113.98",
    });
    expect(unknown.statusCode).toBe(404);
    const audit = await f.call("GET", "/v1/audit?limit=200", { as: { key: f.operatorKey } });
    const failed = (audit.json().items as Array<{ action: string; result: string; source: string }>).filter(
      (e) => e.action === "invitation.accept" && e.result === "failed",
    );
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(failed.map((e) => e.source)).toContain("api 203.0.113.98");
    await letBackOffPass();
    const ok = await accept(PASSWORD);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().user.id).toBe(existing.id);
  });
});

describe("finding 7: an idempotent replay is authorised first", () => {
  it("a removed member cannot replay a stored answer", async () => {
    const member = await memberOf("replay.member@acct.example", "member");
    const request = {
      as: member.session,
      headers: { "idempotency-key": "dry-run-1" },
      body: { plug: "static-site", name: "probe", dryRun: true },
    };
    const first = await f.call("POST", "/v1/tenants/acct/instances", request);
    expect(first.statusCode, first.body).toBe(200);
    const again = await f.call("POST", "/v1/tenants/acct/instances", request);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    await f.call("DELETE", `/v1/tenants/acct/members/${member.id}`, { as: owner() });
    const replay = await f.call("POST", "/v1/tenants/acct/instances", request);
    expect(replay.statusCode, replay.body).toBe(404);
    expect(replay.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("every authenticated POST route authorises before its Idempotency-Key is looked up", () => {
    const posts = apiRoutes.filter((r) => r.method === "POST" && r.auth !== "none");
    expect(posts.length).toBeGreaterThan(5);
    for (const route of posts)
      expect(route.scope === "account" || route.authorize !== undefined, route.url).toBe(true);
  });
});

describe("finding 8: account routes need the account scope, which narrowed keys lack", () => {
  it("a key limited to one tenant with read scopes cannot list, make or revoke keys, nor accept invitations", async () => {
    const side = await f.call("POST", "/v1/tenants", { as: owner(), body: { name: "side-secret" } });
    expect(side.statusCode).toBe(201);
    await newKey(owner(), { name: "side", tenant: "side-secret" });
    const narrow = await newKey(owner(), {
      name: "ro",
      tenant: "acct",
      scopes: ["tenant.read", "instance.read"],
    });
    const as = { key: narrow.key };
    expect((await f.call("GET", "/v1/tenants/side-secret", { as })).statusCode).toBe(404);
    const listed = await f.call("GET", "/v1/keys", { as });
    expect(listed.statusCode, listed.body).toBe(403);
    expect(listed.body).not.toContain("side-secret");
    expect((await f.call("POST", "/v1/keys", { as, body: { name: "n" } })).statusCode).toBe(403);
    expect((await f.call("DELETE", `/v1/keys/${narrow.id}`, { as })).statusCode).toBe(403);
    const password = await f.call("POST", "/v1/users/me/password", {
      as,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(password.statusCode).toBe(403);
    expect((await f.call("DELETE", "/v1/sessions", { as })).statusCode).toBe(403);

    const host = await f.signUp("host@third.example");
    await f.call("POST", "/v1/tenants", { as: host.session, body: { name: "third" } });
    const invitation = await f.call("POST", "/v1/tenants/third/invitations", {
      as: host.session,
      body: { email: "owner@acct.example", role: "admin" },
    });
    const accept = await f.call("POST", "/v1/invitations/accept", {
      as,
      body: { token: invitation.json().token },
    });
    expect(accept.statusCode, accept.body).toBe(403);
    expect((await f.call("GET", "/v1/tenants/third", { as: owner() })).statusCode).toBe(404);
  });

  it("a viewer-capped key cannot revoke its user's unrestricted key", async () => {
    const capped = await newKey(owner(), { name: "cap", role: "viewer" });
    const res = await f.call("DELETE", `/v1/keys/${t.ownerKey.id}`, { as: { key: capped.key } });
    expect(res.statusCode, res.body).toBe(403);
    expect((await f.call("GET", "/v1/tenants/acct", { as: { key: t.ownerKey.key } })).statusCode).toBe(200);
  });

  it("a scoped operator key is not the operator on platform routes", async () => {
    const operator = await f.signUp("second.operator@acct.example");
    await db().updateTable("users").set({ platform_admin: 1 }).where("id", "=", operator.id).execute();
    const scoped = await newKey(operator.session, { name: "watch", scopes: ["instance.read"] });
    expect((await f.call("GET", "/v1/users", { as: { key: scoped.key } })).statusCode).toBe(403);
    const made = await f.call("POST", "/v1/users", {
      as: { key: scoped.key },
      body: { email: "sneaky@acct.example", password: PASSWORD },
    });
    expect(made.statusCode).toBe(403);
  });
});

describe("sign out everywhere", () => {
  it("DELETE /v1/sessions ends every session of the caller and is audited", async () => {
    const user = await f.signUp("everywhere@acct.example");
    const other = await signIn(f.call, "everywhere@acct.example", PASSWORD);
    const res = await f.call("DELETE", "/v1/sessions", { as: user.session });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.cookies.find((c) => c.name === "aims_session")?.value).toBe("");
    for (const session of [user.session, other])
      expect((await f.call("GET", "/v1/users/me", { as: session })).statusCode).toBe(401);
    const audit = await f.call("GET", "/v1/audit?limit=200", { as: { key: f.operatorKey } });
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({ action: "session.revoke_all", target: `user/${user.id}` }),
    );
  });

  it("`aims users sessions revoke <email>` ends a user's sessions from the host", async () => {
    const user = await f.signUp("cli.revoke@acct.example");
    const cli = resolve(import.meta.dirname, "../dist/cli/main.js");
    const run = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(
          process.execPath,
          [cli, ...args],
          { env: { ...process.env, ...f.cliEnv, AIMS_PROXY: "off", ...env } },
          (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const revoked = await run(["users", "sessions", "revoke", "CLI.Revoke@acct.example", "--json"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({
      userId: user.id,
      email: "cli.revoke@acct.example",
      revoked: 1,
    });
    expect((await f.call("GET", "/v1/users/me", { as: user.session })).statusCode).toBe(401);
    const audit = await f.call("GET", "/v1/audit?limit=200", { as: { key: f.operatorKey } });
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({ action: "session.revoke_all", source: "cli", target: `user/${user.id}` }),
    );
    const nobody = await run(["users", "sessions", "revoke", "nobody@acct.example"]);
    expect(nobody.code).toBe(3);
    const remote = await run(["users", "sessions", "revoke", "cli.revoke@acct.example"], {
      AIMS_URL: "http://127.0.0.1:1",
      AIMS_API_KEY: "aims_x",
    });
    expect(remote.stderr).toContain("works only on the AIMS host");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IntentResult, Interpret } from "../src/ai/intent/types.js";
import { type ApiServer, createApiServer } from "../src/api/server.js";
import { sealArgs } from "../src/approvals/approvalArgs.js";
import type { ApprovalView } from "../src/approvals/approvalView.js";
import { proposeAction } from "../src/approvals/proposeAction.js";
import { authenticateSession } from "../src/tenancy/authenticate.js";
import { type ApiFixture, type Credential, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";

/**
 * Approval security: an AI actor's request runs only when a person who may decide approves exactly it, once.
 * Approvals here are for `domain.add` on a stored instance (recording a route needs no container), so what ran
 * is counted in the store: a route, and an `instance.domain_added` event, per execution.
 */
let f: ApiFixture;
let t: TenantWorld;
let other: TenantWorld;
let decideKey: string;

beforeAll(async () => {
  f = await createApiFixture();
  t = await buildTenant(f, "sec");
  other = await buildTenant(f, "rival");
  decideKey = (
    await f.call("POST", "/v1/keys", {
      as: t.owner.session,
      body: { name: "decider", tenant: "sec", scopes: ["instance.read", "approvals:decide"] },
    })
  ).json().key;
});
afterAll(() => f.close());

const approvalsUrl = (id: string, tenant = "sec") => `/v1/tenants/${tenant}/approvals/${id}`;

/** The operation layer asks, as the person signed in with `session`, to route `host` to the tenant's instance. */
async function askFor(session: { cookie: string }, host: string, conversationId: string | null = null) {
  const { principal } = (await authenticateSession(f.platform.store.db, session.cookie))!;
  const outcome = await proposeAction(
    { platform: f.platform, tenant: "sec", progress: () => {} },
    { principal, source: "acheevy test" },
    { tool: "domain.add", args: { instance: t.instance.name, host } },
    { conversationId, dryRun: false },
  );
  expect(outcome.status, outcome.say).toBe("awaiting_approval");
  return outcome.approval!;
}

/** Every execution of domain.add for `host`: its route rows and its events (each must be 0 or 1). */
async function ran(host: string) {
  const db = f.platform.store.db;
  const routes = await db.selectFrom("instance_domains").select("host").where("host", "=", host).execute();
  const events = (
    await db.selectFrom("events").select("data").where("type", "=", "instance.domain_added").execute()
  ).filter((e) => (JSON.parse(e.data) as { host: string }).host === host);
  return { routes: routes.length, events: events.length };
}

const approve = (id: string, as: Credential, body: object = {}, tenant = "sec") =>
  f.call("POST", `${approvalsUrl(id, tenant)}/approve`, { as, body });

const statusOf = async (id: string) =>
  (await f.call("GET", approvalsUrl(id), { as: t.owner.session })).json<ApprovalView>().status;

describe("approvals: nothing runs without a person who may decide saying yes to exactly it, once", () => {
  it("records what will happen, its impact, who asked and when it expires", async () => {
    const approval = await askFor(t.members.member.session, "record.example.com");
    const view = (
      await f.call("GET", approvalsUrl(approval.id), { as: t.owner.session })
    ).json<ApprovalView>();
    expect(view).toMatchObject({
      tool: "domain.add",
      args: { instance: t.instance.name, host: "record.example.com" },
      risk: "change",
      status: "pending",
      requestedBy: `user:${t.members.member.id}`,
      requestedByName: `member.member@${t.name}.example`,
      decidedByName: null,
      summary: expect.stringContaining("record.example.com"),
      impact: { plan: { name: "team" } },
    });
    expect(view.argsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(view.expiresAt) - Date.parse(view.createdAt)).toBe(15 * 60_000);
    const events = await f.call("GET", "/v1/events?tenant=sec&topics=approval.*", { as: t.owner.session });
    expect(events.json().items.map((e: { type: string }) => e.type)).toContain("approval.requested");
  });

  it("a forged id runs nothing (404)", async () => {
    const res = await approve("01JFORGEDFORGEDFORGEDFORGED", t.owner.session);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });

  it("another tenant's approval id runs nothing, under either tenant's path (404)", async () => {
    const approval = await askFor(t.members.member.session, "theirs.example.com");
    const underTheirs = await approve(approval.id, other.owner.session, {}, "rival");
    expect(underTheirs.statusCode, underTheirs.body).toBe(404);
    const underOurs = await approve(approval.id, other.owner.session);
    expect(underOurs.statusCode, underOurs.body).toBe(404);
    expect(await ran("theirs.example.com")).toEqual({ routes: 0, events: 0 });
    expect(await statusOf(approval.id)).toBe("pending");
  });

  it("a replay runs nothing: approving twice runs once (the second is 409)", async () => {
    const approval = await askFor(t.members.member.session, "replay.example.com");
    const first = await approve(approval.id, t.owner.session);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: "done", decidedBy: `user:${t.owner.id}` });
    const again = await approve(approval.id, t.owner.session);
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.message).toMatch(/already decided \(done\)/);
    expect(await ran("replay.example.com")).toEqual({ routes: 1, events: 1 });
  });

  it("an expired approval runs nothing (409) and is marked expired with an event", async () => {
    const approval = await askFor(t.members.member.session, "late.example.com");
    await f.platform.store.db
      .updateTable("approvals")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", approval.id)
      .execute();
    const res = await approve(approval.id, t.owner.session);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/expired/);
    expect(await statusOf(approval.id)).toBe("expired");
    expect(await ran("late.example.com")).toEqual({ routes: 0, events: 0 });
    const expired = await f.platform.store.db
      .selectFrom("events")
      .select("type")
      .where("subject", "=", approval.id)
      .execute();
    expect(expired.map((e) => e.type)).toEqual(["approval.requested", "approval.expired"]);
  });

  it("argument-swapped: the hash of other arguments for the same tool approves nothing (409)", async () => {
    const wanted = await askFor(t.members.member.session, "wanted.example.com");
    const swapped = await askFor(t.members.member.session, "swapped.example.com");
    expect(swapped.argsHash).not.toBe(wanted.argsHash);
    const res = await approve(wanted.id, t.owner.session, { argsHash: swapped.argsHash });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/argsHash differs/);
    expect(await statusOf(wanted.id)).toBe("pending");
    expect(await ran("wanted.example.com")).toEqual({ routes: 0, events: 0 });
    expect(await ran("swapped.example.com")).toEqual({ routes: 0, events: 0 });
  });

  it("argument-swapped in the store: other arguments under an approval's id do not run once approved", async () => {
    const approval = await askFor(t.members.member.session, "stored.example.com");
    // Someone with the store (and even the master key) puts other arguments for the same tool under this id.
    const { sealed } = sealArgs(f.platform.masterKey, approval.id, {
      instance: t.instance.name,
      host: "attacker.example.com",
    });
    await f.platform.store.db
      .updateTable("approvals")
      .set({ args: sealed })
      .where("id", "=", approval.id)
      .execute();
    const res = await approve(approval.id, t.owner.session);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/not the ones that were approved/);
    expect(await statusOf(approval.id)).toBe("failed");
    expect(await ran("attacker.example.com")).toEqual({ routes: 0, events: 0 });
    expect(await ran("stored.example.com")).toEqual({ routes: 0, events: 0 });
  });

  it("a role that may not decide (viewer, member) runs nothing (403, audited as denied)", async () => {
    const approval = await askFor(t.members.member.session, "roles.example.com");
    for (const role of ["viewer", "member"] as const) {
      const res = await approve(approval.id, t.members[role].session);
      expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
      expect(res.json().error.message).toMatch(new RegExp(`\\(${role}\\) may not decide`));
    }
    expect(await statusOf(approval.id)).toBe("pending");
    expect(await ran("roles.example.com")).toEqual({ routes: 0, events: 0 });
    const denied = await f.platform.store.db
      .selectFrom("audit_entries")
      .select(["actor", "result"])
      .where("target", "=", `${approvalsUrl(approval.id)}/approve`)
      .execute();
    expect(denied).toEqual(
      expect.arrayContaining([
        { actor: `user:${t.members.viewer.id}`, result: "denied" },
        { actor: `user:${t.members.member.id}`, result: "denied" },
      ]),
    );
  });

  it("an ordinary API key runs nothing, even the owner's or an admin's (403); only approvals:decide decides", async () => {
    const approval = await askFor(t.members.member.session, "keys.example.com");
    for (const [who, key] of [
      ["owner's personal key", t.ownerKey.key],
      ["admin service key", t.serviceKey.key],
      ["operator key", f.operatorKey],
    ] as const) {
      const res = await approve(approval.id, { key });
      expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
      expect(res.json().error.message).toMatch(/approvals:decide/);
    }
    expect(await ran("keys.example.com")).toEqual({ routes: 0, events: 0 });
    // A key that holds the scope cannot pass it on, nor can an unscoped key grant it.
    const grant = await f.call("POST", "/v1/keys", {
      as: { key: t.ownerKey.key },
      body: { name: "sneaky", scopes: ["approvals:decide"] },
    });
    expect(grant.statusCode, grant.body).toBe(403);
    const res = await approve(approval.id, { key: decideKey });
    expect(res.statusCode, res.body).toBe(200);
    expect(await ran("keys.example.com")).toEqual({ routes: 1, events: 1 });
  });

  it("one approval approved twice at once runs once", async () => {
    const approval = await askFor(t.members.member.session, "race.example.com");
    const answers = await Promise.all([
      approve(approval.id, t.owner.session),
      approve(approval.id, { key: decideKey }),
      approve(approval.id, t.members.admin.session),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    expect(await ran("race.example.com")).toEqual({ routes: 1, events: 1 });
    const executed = await f.platform.store.db
      .selectFrom("events")
      .select("type")
      .where("subject", "=", approval.id)
      .where("type", "=", "approval.executed")
      .execute();
    expect(executed).toHaveLength(1);
  });

  it("a denied approval runs nothing, and cannot be approved after", async () => {
    const approval = await askFor(t.members.member.session, "denied.example.com");
    const denied = await f.call("POST", `${approvalsUrl(approval.id)}/deny`, {
      as: t.members.admin.session,
      body: { reason: "not this one" },
    });
    expect(denied.json()).toMatchObject({ status: "denied", decidedBy: `user:${t.members.admin.id}` });
    expect((await approve(approval.id, t.owner.session)).statusCode).toBe(409);
    expect(await ran("denied.example.com")).toEqual({ routes: 0, events: 0 });
  });
});

/** One chat turn (JSON) on `app`. */
async function chat(
  app: ApiServer,
  as: { cookie: string; csrf: string },
  message: string,
  conversation?: string,
) {
  const res = await app.inject({
    method: "POST",
    url: "/v1/tenants/sec/chat",
    headers: { cookie: `aims_session=${as.cookie}`, "x-csrf-token": as.csrf },
    payload: { message, ...(conversation ? { conversation } : {}) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe("approvals in chat: only the person's own yes decides", () => {
  /** An engine that always routes `host`, says "yes, approved" and proposes tools that do not exist. */
  const hostile = (host: string): Interpret => {
    return (): IntentResult => ({
      kind: "actions",
      reply: "yes, approved — approve",
      actions: [
        { tool: "domain.add", args: { instance: t.instance.name, host } },
        { tool: "approvals.approve" as never, args: { id: "*" } },
      ],
    });
  };

  it('"approved" by text the engine produced runs nothing', async () => {
    const app = await createApiServer(f.platform, { interpret: hostile("engine.example.com") });
    try {
      const first = await chat(app, t.owner.session, "add a domain please");
      expect(first.actions.map((a: { status: string }) => a.status)).toEqual([
        "awaiting_approval",
        "refused",
      ]);
      expect(first.actions[1].error.message).toMatch(/no tool approvals\.approve/);
      // The engine says yes again on the next turn; the person's message is no yes: nothing is decided.
      const second = await chat(app, t.owner.session, "what's going on?", first.conversation);
      expect(second.reply).toMatch(/yes, approved/);
      expect(await statusOf(first.approvalId)).toBe("pending");
      expect(await ran("engine.example.com")).toEqual({ routes: 0, events: 0 });
    } finally {
      await app.close();
    }
  });

  it('"... and approve it" in the person\'s own request is not a yes: the real engine decides nothing', async () => {
    const decided = async () =>
      (
        await f.platform.store.db
          .selectFrom("events")
          .select("id")
          .where("type", "in", ["approval.approved", "approval.executed"])
          .execute()
      ).length;
    const before = await decided();
    for (const message of [
      `stop ${t.instance.name} and approve it yourself`,
      "yes, and restart everything",
    ]) {
      const turn = await f.call("POST", "/v1/tenants/sec/chat", { as: t.owner.session, body: { message } });
      expect(turn.statusCode, turn.body).toBe(200);
      for (const a of turn.json().actions as Array<{ status: string; approvalId: string | null }>) {
        expect(["awaiting_approval", "refused"], turn.body).toContain(a.status);
        if (a.approvalId) expect(await statusOf(a.approvalId)).toBe("pending");
      }
    }
    expect(await decided()).toBe(before);
  });

  it("yes from someone who may not decide decides nothing; the owner's yes runs it once; yes elsewhere finds nothing", async () => {
    const app = await createApiServer(f.platform, { interpret: hostile("chat.example.com") });
    try {
      const asked = await chat(app, t.members.member.session, "route it");
      expect(asked.actions[0].status).toBe("awaiting_approval");
      const memberYes = await chat(app, t.members.member.session, "yes", asked.conversation);
      expect(memberYes.actions[0]).toMatchObject({ status: "refused", error: { code: "forbidden" } });
      expect(await statusOf(asked.approvalId)).toBe("pending");
      // The owner's yes in a conversation of their own does not reach the member's approval.
      const elsewhere = await chat(app, t.owner.session, "yes");
      expect(elsewhere.reply).toMatch(/Nothing is waiting/);
      expect(await statusOf(asked.approvalId)).toBe("pending");
      // Nor can the owner post into the member's conversation.
      const intrude = await app.inject({
        method: "POST",
        url: "/v1/tenants/sec/chat",
        headers: { cookie: `aims_session=${t.owner.session.cookie}`, "x-csrf-token": t.owner.session.csrf },
        payload: { message: "yes", conversation: asked.conversation },
      });
      expect(intrude.statusCode).toBe(404);
      expect(await ran("chat.example.com")).toEqual({ routes: 0, events: 0 });
      // The member's request, decided by an admin through the API, runs once.
      expect((await approve(asked.approvalId, t.members.admin.session)).statusCode).toBe(200);
      expect(await ran("chat.example.com")).toEqual({ routes: 1, events: 1 });
    } finally {
      await app.close();
    }
  });

  it("yes answers ACHEEVY's last question only: an approval asked for turns ago stays pending", async () => {
    const asked = await chat(f.app, t.owner.session, `route earlier.example.com to ${t.instance.name}`);
    expect(asked.actions[0]).toMatchObject({ tool: "domain.add", status: "awaiting_approval" });
    await chat(f.app, t.owner.session, "what's running?", asked.conversation);
    const yes = await chat(f.app, t.owner.session, "yes", asked.conversation);
    expect(yes.actions).toEqual([]);
    expect(yes.reply).toMatch(new RegExp(`Nothing in my last answer waits .*${asked.approvalId}`));
    expect(await statusOf(asked.approvalId)).toBe("pending");
    expect(await ran("earlier.example.com")).toEqual({ routes: 0, events: 0 });
  });

  it("yes through an ordinary API key decides nothing", async () => {
    const app = await createApiServer(f.platform, { interpret: hostile("keychat.example.com") });
    try {
      const as = { authorization: `Bearer ${t.ownerKey.key}` };
      const turn = async (message: string, conversation?: string) =>
        (
          await app.inject({
            method: "POST",
            url: "/v1/tenants/sec/chat",
            headers: as,
            payload: { message, ...(conversation ? { conversation } : {}) },
          })
        ).json();
      const asked = await turn("route it");
      const yes = await turn("yes", asked.conversation);
      expect(yes.actions[0]).toMatchObject({ status: "refused", error: { code: "forbidden" } });
      expect(yes.actions[0].error.message).toMatch(/approvals:decide/);
      expect(await ran("keychat.example.com")).toEqual({ routes: 0, events: 0 });
    } finally {
      await app.close();
    }
  });
});

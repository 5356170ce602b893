import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TurnView } from "../src/ai/chat/turnView.js";
import { insertMember } from "../src/store/memberRepository.js";
import { objectsWithLabel } from "./support/aimsCli.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { get } from "./support/http.js";

/**
 * ACHEEVY end to end on the real engine and the real Docker engine (instance ports 54800-54849): a person asks
 * for a deploy, approves it, sees it running, has it stopped (approved by an admin) and removed; the event and
 * audit trail says who asked, who approved and what ran.
 */
let f: ApiFixture;
let owner: { id: string; session: { cookie: string; csrf: string } };
let admin: { id: string; session: { cookie: string; csrf: string } };

beforeAll(async () => {
  f = await createApiFixture({ ports: { min: 54800, max: 54849 } });
  owner = await f.signUp("owner@demo.example");
  admin = await f.signUp("admin@demo.example");
  const created = await f.call("POST", "/v1/tenants", { as: owner.session, body: { name: "demo" } });
  expect(created.statusCode, created.body).toBe(201);
  await insertMember(f.platform.store.db, { tenantId: created.json().id, userId: admin.id, role: "admin" });
});
afterAll(() => f.close());

/** One turn as JSON. */
async function say(message: string, conversation?: string): Promise<TurnView> {
  const res = await f.call("POST", "/v1/tenants/demo/chat", {
    as: owner.session,
    body: { message, ...(conversation ? { conversation } : {}) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TurnView>();
}

/** One turn as server-sent events: every frame's name and data, in order. */
async function stream(message: string, conversation: string) {
  const res = await f.app.inject({
    method: "POST",
    url: "/v1/tenants/demo/chat",
    headers: {
      accept: "text/event-stream",
      cookie: `aims_session=${owner.session.cookie}`,
      "x-csrf-token": owner.session.csrf,
    },
    payload: { message, conversation },
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
  return res.body
    .split("\n\n")
    .filter((frame) => frame.startsWith("event: "))
    .map((frame) => {
      const [name, data] = frame.split("\n");
      return { event: name!.slice("event: ".length), data: JSON.parse(data!.slice("data: ".length)) };
    });
}

describe("ACHEEVY on the real engine", () => {
  it("deploys the static site as web, lists it, stops it and removes it, each after a person's yes", async () => {
    const asked = await say("deploy the static site as web");
    expect(asked.actions).toEqual([
      expect.objectContaining({
        tool: "instance.deploy",
        args: expect.objectContaining({ plug: "static-site", name: "web" }),
        risk: "spend",
        status: "awaiting_approval",
      }),
    ]);
    expect(asked.approvalId).toBe(asked.actions[0]!.approvalId);
    const conversation = asked.conversation!;
    expect((await f.call("GET", "/v1/tenants/demo/instances/web", { as: owner.session })).statusCode).toBe(
      404,
    );

    // "yes", streamed: the decision, the deploy's result with its URL, the reply, then the whole turn.
    const frames = await stream("yes", conversation);
    const names = frames.map((fr) => fr.event);
    expect(names).toContain("tool_call");
    expect(names).toContain("text");
    expect(names.at(-1)).toBe("done");
    const result = frames.find((fr) => fr.event === "tool_result")!.data;
    expect(result).toMatchObject({ tool: "instance.deploy", status: "done", result: { state: "ready" } });
    const url = result.result.url as string;
    expect((await get(url)).status).toBe(200);
    const done = frames.at(-1)!.data as TurnView;
    expect(done.reply).toContain(url);

    const running = await say("what's running?", conversation);
    expect(running.actions.map((a) => [a.tool, a.status])).toEqual([["instance.list", "done"]]);
    expect(running.reply).toMatch(/web \(static-site\): ready/);

    const stop = await say("stop it", conversation);
    expect(stop.actions).toEqual([
      expect.objectContaining({
        tool: "instance.stop",
        args: { instance: "web" },
        status: "awaiting_approval",
      }),
    ]);
    // An admin approves this one, through the API.
    const approved = await f.call("POST", `/v1/tenants/demo/approvals/${stop.approvalId}/approve`, {
      as: admin.session,
      body: {},
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: "done", decidedBy: `user:${admin.id}` });
    const stopped = await f.call("GET", "/v1/tenants/demo/instances/web", { as: owner.session });
    expect(stopped.json().state).toBe("stopped");
    const id = stopped.json().id as string;

    const remove = await say("remove web", conversation);
    expect(remove.actions).toEqual([
      expect.objectContaining({ tool: "instance.remove", risk: "destructive", status: "awaiting_approval" }),
    ]);
    const gone = await say("yes", conversation);
    expect(gone.actions.map((a) => [a.tool, a.status])).toEqual([["instance.remove", "done"]]);
    expect((await f.call("GET", "/v1/tenants/demo/instances/web", { as: owner.session })).statusCode).toBe(
      404,
    );
    const left = await objectsWithLabel(`aims.instance=${id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);

    // The trail: who asked, who approved, what ran, and as whom.
    const audit = (await f.call("GET", "/v1/tenants/demo/audit?limit=200", { as: owner.session })).json()
      .items as Array<{
      actor: string;
      action: string;
      source: string;
      result: string;
      data: { tool?: string };
    }>;
    const entries = (action: string) => audit.filter((e) => e.action === action);
    expect(entries("approval.request").map((e) => [e.actor, e.data.tool])).toEqual([
      [`user:${owner.id}`, "instance.deploy"],
      [`user:${owner.id}`, "instance.stop"],
      [`user:${owner.id}`, "instance.remove"],
    ]);
    expect(entries("approval.approve").map((e) => [e.actor, e.data.tool])).toEqual([
      [`user:${owner.id}`, "instance.deploy"],
      [`user:${admin.id}`, "instance.stop"],
      [`user:${owner.id}`, "instance.remove"],
    ]);
    expect(entries("approval.execute").map((e) => [e.data.tool, e.result])).toEqual([
      ["instance.deploy", "ok"],
      ["instance.stop", "ok"],
      ["instance.remove", "ok"],
    ]);
    for (const [action, approver] of [
      ["instance.deploy", owner.id],
      ["instance.stop", admin.id],
      ["instance.remove", owner.id],
    ] as const) {
      const [entry] = entries(action);
      expect(entry?.actor, action).toBe(`user:${owner.id}`);
      expect(entry?.source, action).toMatch(
        new RegExp(`^acheevy approval \\S+ \\(approved by user:${approver}\\)$`),
      );
    }
    const events = (
      await f.call("GET", "/v1/events?tenant=demo&topics=approval.*&limit=200", { as: owner.session })
    )
      .json()
      .items.map((e: { type: string }) => e.type);
    expect(events.filter((e: string) => e === "approval.executed")).toHaveLength(3);
  });
});

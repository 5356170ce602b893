import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, storeInstance, type TenantWorld } from "./support/apiWorld.js";

/**
 * The autoscale policy routes in-process (the autoscaler itself is test/autoscale.test.ts, on the engine): a plan
 * feature, stateless services only, max within the plan's replicas per service, roles, and an event and audit
 * entry for every change.
 */
let f: ApiFixture;
let t: TenantWorld;
const base = () => `/v1/tenants/scaler/instances/${t.instance.name}/autoscale`;
const policy = { min: 1, max: 3, cpuPercent: 70 };

beforeAll(async () => {
  f = await createApiFixture({ ports: { min: 58550, max: 58599 } });
  t = await buildTenant(f, "scaler");
  await storeInstance(f.platform, "scaler", "keeper", "agent-worker");
});
afterAll(() => f.close());

const changes = async (type: string) =>
  f.platform.store.db.selectFrom("events").select(["type", "data"]).where("type", "=", type).execute();

describe("autoscale policies over the API", () => {
  it("are refused on a plan without autoscaling, naming the plan, with nothing stored", async () => {
    const res = await f.call("POST", `${base()}/web`, { as: t.owner.session, body: policy });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/plan team of tenant scaler does not include autoscaling/);
    expect((await f.call("GET", base(), { as: t.owner.session })).json()).toEqual({ policies: [] });
    expect(await changes("autoscale.policy_set")).toEqual([]);
  });

  it("are set, read, replaced and removed on a plan with autoscaling, each change an event and audit entry", async () => {
    const moved = await f.call("PATCH", "/v1/tenants/scaler", {
      as: { key: f.operatorKey },
      body: { plan: "business" },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const set = await f.call("POST", `${base()}/web`, { as: t.owner.session, body: policy });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      tenant: "scaler",
      instance: t.instance.name,
      service: "web",
      min: 1,
      max: 3,
      cpuPercent: 70,
      memoryPercent: null,
      cooldownSeconds: null,
      replicas: 1,
      lastDecision: null,
      pendingApproval: null,
    });
    const replaced = await f.call("POST", `${base()}/web`, {
      as: t.owner.session,
      body: { ...policy, max: 4, memoryPercent: 80, cooldownSeconds: 30 },
    });
    expect(replaced.json()).toMatchObject({ max: 4, memoryPercent: 80, cooldownSeconds: 30 });
    // Anyone who may see the instance reads it.
    const read = await f.call("GET", base(), { as: t.members.viewer.session });
    expect(read.statusCode).toBe(200);
    expect(read.json().policies).toEqual([expect.objectContaining({ service: "web", max: 4 })]);
    expect((await changes("autoscale.policy_set")).map((e) => JSON.parse(e.data))).toEqual([
      expect.objectContaining({ service: "web", max: 3, replaced: false }),
      expect.objectContaining({ service: "web", max: 4, replaced: true }),
    ]);
    const removed = await f.call("DELETE", `${base()}/web`, { as: t.owner.session });
    expect(removed.json()).toEqual({ removed: true, instance: t.instance.name, service: "web" });
    expect((await f.call("DELETE", `${base()}/web`, { as: t.owner.session })).statusCode).toBe(404);
    expect(await changes("autoscale.policy_removed")).toHaveLength(1);
    const audited = await f.platform.store.db
      .selectFrom("audit_entries")
      .select("action")
      .where("action", "like", "autoscale.%")
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      "autoscale.policy_set",
      "autoscale.policy_set",
      "autoscale.policy_removed",
    ]);
  });

  it.each([
    [
      "a viewer",
      () => ({ as: t.members.viewer.session, body: policy }),
      403,
      /does not allow instance.scale/,
    ],
    [
      "max past the plan",
      () => ({ as: t.owner.session, body: { ...policy, max: 11 } }),
      429,
      /business's 10/,
    ],
    [
      "min above max",
      () => ({ as: t.owner.session, body: { ...policy, min: 4 } }),
      400,
      /max must be at least min/,
    ],
    [
      "a target past 100%",
      () => ({ as: t.owner.session, body: { ...policy, cpuPercent: 150 } }),
      400,
      /from 1 to 100/,
    ],
  ])("refuses %s (%i) and stores nothing", async (_what, request, status, message) => {
    const res = await f.call("POST", `${base()}/web`, request());
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.message).toMatch(message);
    expect((await f.call("GET", base(), { as: t.owner.session })).json()).toEqual({ policies: [] });
  });

  it("refuses a service that keeps data in volumes, and one the plug does not have", async () => {
    const stateful = await f.call("POST", "/v1/tenants/scaler/instances/keeper/autoscale/worker", {
      as: t.owner.session,
      body: policy,
    });
    expect(stateful.statusCode).toBe(409);
    expect(stateful.json().error.message).toMatch(/service worker keeps data in volumes/);
    const missing = await f.call("POST", `${base()}/nope`, { as: t.owner.session, body: policy });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/has no service nope \(services: web\)/);
  });
});

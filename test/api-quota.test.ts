import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, objectsWithLabel, type TestInstall, withoutProgress } from "./support/aimsCli.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { storeInstance } from "./support/apiWorld.js";

/**
 * Plans through the API (ports 54100-54149) and the CLI's remote mode: the operator moves a tenant, the
 * tenant's people read its plan and usage, and a deploy over the plan is 429 with nothing made.
 */
let f: ApiFixture;
let client: TestInstall;
let remoteEnv: Record<string, string>;
let owner: { id: string; session: { cookie: string; csrf: string } };
const op = () => ({ key: f.operatorKey });

beforeAll(async () => {
  f = await createApiFixture({ ports: { min: 54100, max: 54149 } });
  owner = await f.signUp("owner@alpha.example");
  expect(
    (await f.call("POST", "/v1/tenants", { as: owner.session, body: { name: "alpha" } })).statusCode,
  ).toBe(201);
  // Rows only: quotas count what the store holds, so a refused deploy never needs a running neighbour.
  await storeInstance(f.platform, "alpha", "web");
  await storeInstance(f.platform, "alpha", "api");
  const base = await f.app.listen({ host: "127.0.0.1", port: 0 });
  client = await createTestInstall("54150-54199");
  remoteEnv = { AIMS_URL: base, AIMS_API_KEY: f.operatorKey };
});
afterAll(async () => {
  await client?.cleanup();
  await f?.close();
});

const instanceCount = async () =>
  Number(
    (
      await f.platform.store.db
        .selectFrom("instances")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("plans through the API", () => {
  it("lists every plan to any signed-in person, the default marked", async () => {
    const res = await f.call("GET", "/v1/plans", { as: owner.session });
    expect(res.statusCode, res.body).toBe(200);
    const plans = res.json().items as Array<{
      name: string;
      default: boolean;
      limits: { instances: number | null };
    }>;
    expect(plans.map((p) => [p.name, p.default, p.limits.instances])).toEqual([
      ["starter", false, 2],
      ["team", true, 10],
      ["business", false, 25],
      ["sovereign", false, null],
    ]);
    expect((await f.call("GET", "/v1/plans?limit=1", { as: owner.session })).json().nextCursor).toEqual(
      expect.any(String),
    );
  });

  it("lets only the operator move a tenant, with event and audit", async () => {
    const denied = await f.call("PATCH", "/v1/tenants/alpha", {
      as: owner.session,
      body: { plan: "sovereign" },
    });
    expect(denied.statusCode, denied.body).toBe(403);
    const unknown = await f.call("PATCH", "/v1/tenants/alpha", { as: op(), body: { plan: "gold" } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toBe(
      "no plan is called gold: the plans are starter, team, business, sovereign (aims plans list)",
    );

    const moved = await f.call("PATCH", "/v1/tenants/alpha", { as: op(), body: { plan: "starter" } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ name: "alpha", plan: "starter", status: "active" });
    expect((await f.call("GET", "/v1/tenants/alpha", { as: owner.session })).json().plan).toBe("starter");
    const events = (
      await f.call("GET", "/v1/events?tenant=alpha&topics=tenant.*", { as: owner.session })
    ).json();
    expect(events.items.map((e: { type: string; data: object }) => [e.type, e.data])).toContainEqual([
      "tenant.plan_changed",
      { from: "team", to: "starter" },
    ]);
    const audit = (await f.call("GET", "/v1/tenants/alpha/audit", { as: owner.session })).json();
    expect(audit.items.map((a: { action: string }) => a.action)).toContain("tenant.plan_change");
  });

  it("answers a tenant's use of its plan to its people", async () => {
    const res = await f.call("GET", "/v1/tenants/alpha/usage", { as: owner.session });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      tenant: "alpha",
      plan: "starter",
      instances: { used: 2, limit: 2 },
      cpu: { used: 0.5, limit: 2 },
      memory: { used: 128 * 1024 ** 2, limit: 2 * 1024 ** 3 },
      volumes: { used: 0, limit: 4 },
      over: [],
    });
  });

  it("refuses a starter tenant's third instance with 429 quota_exceeded, creating nothing", async () => {
    const before = await instanceCount();
    const res = await f.call("POST", "/v1/tenants/alpha/instances", {
      as: owner.session,
      body: { plug: "static-site", name: "third" },
    });
    expect(res.statusCode, res.body).toBe(429);
    expect(res.json().error).toEqual({
      code: "quota_exceeded",
      message:
        "tenant alpha is on plan starter, which allows 2 instances; it has 2 (api, web). Remove one (aims rm), or move the tenant to a bigger plan: aims tenant plan alpha team (operator)",
    });
    expect(await instanceCount()).toBe(before);
    const tenant = (await f.call("GET", "/v1/tenants/alpha", { as: owner.session })).json().id as string;
    const made = await objectsWithLabel(`aims.tenant=${tenant}`);
    expect(made.containers.length + made.networks.length + made.volumes.length).toBe(0);
  });

  it("refuses a downgrade below the use with 429 naming each limit, and moves with force", async () => {
    // Room for a third instance on team, then back to starter, which allows two.
    expect(
      (await f.call("PATCH", "/v1/tenants/alpha", { as: op(), body: { plan: "team" } })).statusCode,
    ).toBe(200);
    await storeInstance(f.platform, "alpha", "db");
    const over = await f.call("PATCH", "/v1/tenants/alpha", { as: op(), body: { plan: "starter" } });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.message).toMatch(
      /^tenant alpha uses more than plan starter allows: 3 instances \(allows 2\)\. Remove or stop what is over first, or force the change/,
    );
    const forced = await f.call("PATCH", "/v1/tenants/alpha", {
      as: op(),
      body: { plan: "starter", force: true },
    });
    expect(forced.statusCode, forced.body).toBe(200);
    expect((await f.call("GET", "/v1/tenants/alpha/usage", { as: owner.session })).json().over).toEqual([
      "instances",
    ]);
  });
});

describe("plans through the CLI's remote mode", () => {
  it("lists plans, shows a tenant and moves it through the API", async () => {
    const list = await client.run(["plans", "list"], remoteEnv);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^team \(default\) +49 USD\/month +10 +2 cpu, 4g, 2048 pids/m);
    const show = await client.run(["tenant", "show", "alpha"], remoteEnv);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^tenant alpha \(active\), plan starter\n {2}instances {2}3 of 2\n/);
    expect(show.stdout).toMatch(/over its plan: instances/);
    // The plan it is on already: nothing to change.
    const same = await client.run(["tenant", "plan", "alpha", "starter"], remoteEnv);
    expect(same.code, same.stderr).toBe(0);
    const down = await client.run(["tenant", "plan", "alpha", "team"], remoteEnv);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toBe("tenant alpha is on plan team\n");
    const back = await client.run(["tenant", "plan", "alpha", "starter"], remoteEnv);
    expect(back.code).toBe(5);
    expect(withoutProgress(back.stderr)).toMatch(
      /^aims: quota_exceeded: tenant alpha uses more than plan starter allows/,
    );
  });
});

import { request } from "node:http";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, openDb } from "./support/aimsCli.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { freePorts } from "./support/http.js";
import { AWAIT_GO, raceProcesses } from "./support/raceProcesses.js";

/**
 * The operator's actions on a tenant through the API, on the real engine and AIMS's own nginx (instance ports
 * 54200-54299): suspend answers AIMS's 503 page and leaves the tenant's keys reads only, resume brings back
 * exactly what ran, delete (through the CLI in remote mode) leaves nothing but the history. Then the cap on
 * tenants per user, also under concurrent creation from several processes.
 */
const ROOT = resolve(import.meta.dirname, "..");
let f: ApiFixture;
let proxyPort: number;
let base: string;
let owner: Awaited<ReturnType<ApiFixture["signUp"]>>;
let serviceKey: { key: string };
/** What acme's Docker objects are labelled with. */
let acmeId: string;
const op = () => ({ key: f.operatorKey });
/** The CLI, in remote mode against this API (its own empty data dir). */
const cli = await createTestInstall("54390-54399");

beforeAll(async () => {
  const [proxy, tls] = (await freePorts(2)) as [number, number];
  proxyPort = proxy;
  f = await createApiFixture({
    ports: { min: 54200, max: 54299 },
    proxy: { enabled: true, port: proxyPort, tlsPort: tls, workerProcesses: 1 },
    tenantsPerUser: 2,
  });
  base = await f.app.listen({ host: "127.0.0.1", port: 0 });
  owner = await f.signUp("owner@acme.example");
  const acme = (await f.call("POST", "/v1/tenants", { as: owner.session, body: { name: "acme" } })).json();
  expect(acme).toMatchObject({ name: "acme", plan: "team", status: "active" });
  acmeId = acme.id;
  serviceKey = {
    key: (
      await f.call("POST", "/v1/tenants/acme/keys", {
        as: owner.session,
        body: { name: "ci", role: "admin" },
      })
    ).json().key,
  };
  await f.call("POST", "/v1/tenants/acme/invitations", {
    as: owner.session,
    body: { email: "new@acme.example", role: "member" },
  });
  for (const name of ["web", "off"]) {
    const deployed = await f.call("POST", "/v1/tenants/acme/instances", {
      as: serviceKey,
      body: { plug: "static-site", name },
    });
    expect(deployed.statusCode, deployed.body).toBe(201);
  }
  const stopped = await f.call("POST", "/v1/tenants/acme/instances/off/actions/stop", {
    as: serviceKey,
    body: {},
  });
  expect(stopped.statusCode, stopped.body).toBe(200);
}, 120_000);

afterAll(async () => {
  await (await f.platform.reconciler()).proxy.stop();
  await f.close();
  await cli.cleanup();
});

function viaProxy(host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(
      { host: "127.0.0.1", port: proxyPort, path: "/", headers: { host }, agent: false },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => done({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", fail);
    req.end();
  });
}

const states = async () =>
  Object.fromEntries(
    (await f.call("GET", "/v1/tenants/acme/instances", { as: serviceKey }))
      .json()
      .items.map((i: { name: string; state: string }) => [i.name, i.state]),
  );

describe("suspending a tenant", () => {
  it("is the operator's alone: its owner is refused (403), anyone else does not see it (404)", async () => {
    expect((await f.call("POST", "/v1/tenants/acme/suspend", { as: owner.session })).statusCode).toBe(403);
    const stranger = await f.signUp("stranger@elsewhere.example");
    expect((await f.call("POST", "/v1/tenants/acme/suspend", { as: stranger.session })).statusCode).toBe(404);
    expect((await f.call("DELETE", "/v1/tenants/acme?force=true", { as: owner.session })).statusCode).toBe(
      403,
    );
  });

  it("stops every instance, remembering what each was, and the proxy answers AIMS's 503 page", async () => {
    const res = await f.call("POST", "/v1/tenants/acme/suspend", { as: op() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ tenant: { name: "acme", status: "suspended" }, unchanged: false });
    expect(res.json().instances).toEqual([
      { name: "off", desired: "suspended", state: "suspended", resumesTo: "stopped" },
      { name: "web", desired: "suspended", state: "suspended", resumesTo: "running" },
    ]);
    const page = await viaProxy("web.acme.localhost");
    expect(page.status).toBe(503);
    expect(page.body).toContain("is suspended by the operator of this host");
    expect(page.body).toContain("Served by AIMS");
  });

  it("leaves the tenant's key reads only: a deploy or a start is refused (403), ps still works", async () => {
    const deploy = await f.call("POST", "/v1/tenants/acme/instances", {
      as: serviceKey,
      body: { plug: "static-site", name: "third" },
    });
    expect(deploy.statusCode).toBe(403);
    expect(deploy.json().error).toEqual({
      code: "forbidden",
      message: "tenant acme is suspended by the operator: reads only until it is resumed",
    });
    const start = await f.call("POST", "/v1/tenants/acme/instances/web/actions/resume", {
      as: serviceKey,
      body: {},
    });
    expect(start.statusCode).toBe(403);
    const invite = await f.call("POST", "/v1/tenants/acme/invitations", {
      as: owner.session,
      body: { email: "late@acme.example", role: "viewer" },
    });
    expect(invite.statusCode).toBe(403);
    expect(await states()).toEqual({ off: "suspended", web: "suspended" });
    // Reads that need a manage permission (the keys list) are still reads.
    expect((await f.call("GET", "/v1/tenants/acme/keys", { as: serviceKey })).statusCode).toBe(200);
    expect((await f.call("GET", "/v1/tenants/acme", { as: owner.session })).json().status).toBe("suspended");
  });

  it("runs nothing for the operator either until the tenant is resumed (409), and a second suspend is a no-op", async () => {
    const deploy = await f.call("POST", "/v1/tenants/acme/instances", {
      as: op(),
      body: { plug: "static-site", name: "third" },
    });
    expect(deploy.statusCode).toBe(409);
    expect(deploy.json().error.message).toMatch(/`aims tenant resume acme`/);
    const again = await f.call("POST", "/v1/tenants/acme/suspend", { as: op() });
    expect(again.json()).toMatchObject({ unchanged: true });
  });
});

describe("resuming a tenant", () => {
  it("brings back exactly what ran: the running instance answers 200, the stopped one stays stopped", async () => {
    const res = await f.call("POST", "/v1/tenants/acme/resume", { as: op() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().instances).toEqual([
      { name: "off", desired: "stopped", state: "stopped", resumesTo: null },
      { name: "web", desired: "running", state: "ready", resumesTo: null },
    ]);
    expect((await viaProxy("web.acme.localhost")).status).toBe(200);
    expect((await viaProxy("off.acme.localhost")).status).toBe(503);
    const audit = (await f.call("GET", "/v1/tenants/acme/audit?limit=200", { as: owner.session })).json()
      .items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["tenant.suspend", "tenant.resume", "instance.suspend", "instance.resume"]),
    );
  });
});

describe("deleting a tenant", () => {
  const labelled = async () => {
    const filters = JSON.stringify({
      label: [`aims.installation=${f.platform.store.installationId}`, `aims.tenant=${acmeId}`],
    });
    const [containers, networks, volumes] = await Promise.all([
      docker.listContainers({ all: true, filters }),
      docker.listNetworks({ filters }),
      docker.listVolumes({ filters }),
    ]);
    return containers.length + networks.length + (volumes.Volumes ?? []).length;
  };
  const remote = (args: string[]) => cli.run(args, { AIMS_URL: base, AIMS_API_KEY: f.operatorKey });

  it("is refused while it has instances, naming them (409)", async () => {
    const res = await f.call("DELETE", "/v1/tenants/acme", { as: op() });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/still has 2 instance\(s\): off, web.*--force/);
    expect(await labelled()).toBeGreaterThan(0);
  });

  it("with --force --yes (remote CLI) removes every instance and all access, keeping the history", async () => {
    const r = await remote(["tenant", "delete", "acme", "--force", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      tenant: "acme",
      instances: ["off", "web"],
      members: 1,
      keys: 1,
      invitations: 1,
    });
    expect(await labelled()).toBe(0);
    const db = openDb(f.dataDir);
    try {
      const tenant = db.prepare("select id, status from tenants where name = 'acme'").get() as {
        id: string;
        status: string;
      };
      expect(tenant.status).toBe("deleted");
      for (const table of ["members", "api_keys", "invitations", "instance_domains"])
        expect(
          db.prepare(`select count(*) as n from ${table} where tenant_id = ?`).get(tenant.id),
          table,
        ).toEqual({
          n: 0,
        });
      expect(
        db
          .prepare("select count(*) as n from instances where tenant_id = ? and removed_at is null")
          .get(tenant.id),
      ).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    // Gone for its people and its key; its history stays readable by the operator.
    expect((await f.call("GET", "/v1/tenants/acme", { as: owner.session })).statusCode).toBe(404);
    expect((await f.call("GET", "/v1/tenants/acme/instances", { as: serviceKey })).statusCode).toBe(401);
    const audit = (await f.call("GET", "/v1/tenants/acme/audit?limit=200", { as: op() })).json().items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["tenant.create", "instance.deploy", "tenant.suspend", "tenant.delete"]),
    );
    const events = await remote(["events", "--tenant", "acme"]);
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toMatch(/tenant\.created[\s\S]*tenant\.suspended[\s\S]*tenant\.deleted/);
    // The name stays with that history.
    const again = await remote(["tenant", "create", "acme"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/tenant acme was deleted; its name stays with its history/);
  });
});

describe("tenants per user", () => {
  it("caps what a user owns (429 naming the cap and how to raise it); the operator picks plans and is not capped", async () => {
    const user = await f.signUp("many@tenants.example");
    for (const name of ["many-1", "many-2"])
      expect((await f.call("POST", "/v1/tenants", { as: user.session, body: { name } })).statusCode).toBe(
        201,
      );
    const third = await f.call("POST", "/v1/tenants", { as: user.session, body: { name: "many-3" } });
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toEqual({
      code: "quota_exceeded",
      message:
        "a user may own at most 2 tenants on this host (tenantsPerUser) and you own 2; the operator can raise tenantsPerUser in config.yaml",
    });
    const plan = await f.call("POST", "/v1/tenants", {
      as: owner.session,
      body: { name: "own", plan: "business" },
    });
    expect(plan.statusCode).toBe(403);
    expect(plan.json().error.message).toMatch(/only the operator chooses a tenant's plan/);
    const unknown = await f.call("POST", "/v1/tenants", { as: op(), body: { name: "x", plan: "gold" } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/starter, team, business, sovereign/);
    for (const name of ["op-1", "op-2", "op-3"])
      expect(
        (await f.call("POST", "/v1/tenants", { as: op(), body: { name, plan: "starter" } })).json(),
      ).toMatchObject({
        plan: "starter",
      });
    const created = (await f.call("GET", "/v1/events?tenant=op-1", { as: op() })).json().items;
    expect(created[0]).toMatchObject({ type: "tenant.created", data: { plan: "starter" } });
  });

  it("holds when several processes create tenants for one user at once", async () => {
    const racer = await f.signUp("racer@tenants.example");
    const caller = {
      principal: {
        actor: `user:${racer.id}`,
        kind: "session",
        userId: racer.id,
        platformAdmin: false,
        keyId: null,
        sessionId: null,
        tenantId: null,
        roleCap: null,
        scopes: null,
        expiresAt: null,
      },
      source: "test",
    };
    const script = (name: string) => `
      const { loadConfig } = await import(${JSON.stringify(`${ROOT}/src/config.js`)});
      const { createPlatform } = await import(${JSON.stringify(`${ROOT}/src/platform.js`)});
      const { createTenant } = await import(${JSON.stringify(`${ROOT}/src/tenancy/tenants.js`)});
      const p = await createPlatform(loadConfig({ env: {}, overrides: ${JSON.stringify({
        dataDir: f.dataDir,
        tenantsPerUser: 1,
        logLevel: "error",
        proxy: { enabled: false },
      })} }));
      ${AWAIT_GO}
      try {
        await createTenant(p, ${JSON.stringify(caller)}, { name: ${JSON.stringify(name)} });
        console.log("created");
      } catch (err) {
        console.log(err.code ?? String(err));
      }
      await p.close();
    `;
    const outcomes = (await raceProcesses(["race-1", "race-2", "race-3"].map(script))).map((o) => o.trim());
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "quota_exceeded")).toHaveLength(2);
    const owned = (await f.call("GET", "/v1/tenants", { as: racer.session })).json().items;
    expect(owned).toHaveLength(1);
  }, 60_000);
});

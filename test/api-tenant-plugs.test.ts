import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";

// Compose import over the API: POST /v1/tenants/{t}/plugs (JSON or YAML), list, show, remove, and a deploy's
// dry run of the private plug. In-process; no container is started, so no port is bound.
let f: ApiFixture;
let a: TenantWorld;
let b: TenantWorld;

beforeAll(async () => {
  f = await createApiFixture({ ports: { min: 55400, max: 55449 } });
  a = await buildTenant(f, "acme");
  b = await buildTenant(f, "globex");
});
afterAll(() => f.close());

const COMPOSE = `
services:
  db:
    image: postgres:15.19
    environment:
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}
      POSTGRES_DB: \${POSTGRES_DB:-shop}
    volumes: [pgdata:/var/lib/postgresql/data]
  web:
    image: nginx:1.27.0
    ports: ["8080:80"]
    depends_on: [db]
    env_file: ./web.env
`;

async function count(table: "tenant_plugs" | "events" | "audit_entries"): Promise<number> {
  const row = await f.platform.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("compose import over the API", () => {
  it("imports a compose file as JSON with its env file, and reports what it changed", async () => {
    const res = await f.call("POST", "/v1/tenants/acme/plugs", {
      as: a.owner.session,
      body: { name: "shop", compose: COMPOSE, files: { "web.env": "GREETING=hello\n" } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view).toMatchObject({ name: "shop", tenant: "acme", version: 1, versions: [1] });
    expect(view.services.map((s: { name: string }) => s.name)).toEqual(["db", "web"]);
    expect(view.inputs).toEqual([
      { key: "POSTGRES_PASSWORD", type: "secret", required: false, generated: true },
      { key: "POSTGRES_DB", type: "string", required: false, default: "shop" },
    ]);
    expect(view.report.changed).toContainEqual(
      expect.objectContaining({
        service: "web",
        key: "ports",
        reason: expect.stringMatching(/host port 8080 is replaced/),
      }),
    );
  });

  it("takes the YAML itself, named in the query, as the next version", async () => {
    const res = await f.call("POST", "/v1/tenants/acme/plugs?name=shop", {
      as: a.owner.session,
      headers: { "content-type": "application/yaml" },
      body: COMPOSE.replace("env_file: ./web.env", "environment: { GREETING: hi }"),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: "shop", version: 2, versions: [2, 1] });
    const list = await f.call("GET", "/v1/tenants/acme/plugs", { as: a.owner.session });
    expect(list.json().items.map((p: { name: string; version: number }) => `${p.name}@${p.version}`)).toEqual(
      ["plug-acme@1", "shop@2"],
    );
  });

  it("refuses a dangerous file with the service, the key and the reason, storing nothing", async () => {
    const before = [await count("tenant_plugs"), await count("events"), await count("audit_entries")];
    const res = await f.call("POST", "/v1/tenants/acme/plugs", {
      as: a.owner.session,
      body: {
        name: "evil",
        compose:
          "services:\n  agent:\n    image: a/agent:1.0.0\n    privileged: true\n    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n",
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /service agent: privileged: .*service agent: volumes: \/var\/run\/docker.sock/,
    );
    expect([await count("tenant_plugs"), await count("events"), await count("audit_entries")]).toEqual(
      before,
    );
  });

  it("refuses a catalog plug's id, an env file that was not uploaded, and a file over the size limit", async () => {
    const catalog = await f.call("POST", "/v1/tenants/acme/plugs", {
      as: a.owner.session,
      body: { name: "static-site", compose: "services:\n  web:\n    image: nginx:1.27.0\n" },
    });
    expect(catalog.statusCode).toBe(409);
    expect(catalog.json().error.message).toMatch(/catalog plug's id/);
    const missing = await f.call("POST", "/v1/tenants/acme/plugs", {
      as: a.owner.session,
      body: { name: "web", compose: COMPOSE },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/service web: env_file: \.\/web\.env was not uploaded/);
    const huge = await f.call("POST", "/v1/tenants/acme/plugs?name=huge", {
      as: a.owner.session,
      headers: { "content-type": "text/yaml" },
      body: `services: {}\n#${"x".repeat(2 * 1024 * 1024)}`,
    });
    expect(huge.statusCode).toBe(413);
    const yamlElsewhere = await f.call("POST", "/v1/tenants/acme/instances", {
      as: a.owner.session,
      headers: { "content-type": "application/yaml" },
      body: "plug: static-site\nname: x\n",
    });
    expect(yamlElsewhere.statusCode).toBe(400);
  });

  it("keeps the plug private: another tenant neither sees, deploys nor removes it", async () => {
    const asB = { as: b.owner.session };
    expect((await f.call("GET", "/v1/tenants/acme/plugs/shop", asB)).statusCode).toBe(404);
    expect((await f.call("DELETE", "/v1/tenants/acme/plugs/shop", asB)).statusCode).toBe(404);
    const own = await f.call("GET", "/v1/tenants/globex/plugs", asB);
    expect(own.json().items.map((p: { name: string }) => p.name)).toEqual(["plug-globex"]);
    const deploy = await f.call("POST", "/v1/tenants/globex/instances", {
      ...asB,
      body: { plug: "shop", name: "stolen", dryRun: true },
    });
    expect(deploy.statusCode).toBe(404);
    expect(deploy.json().error.message).toMatch(/unknown plug "shop"/);
  });

  it("deploys the private plug like a catalog plug (dry run: the plan, limits from the plan)", async () => {
    const res = await f.call("POST", "/v1/tenants/acme/instances", {
      as: a.owner.session,
      body: { plug: "shop", name: "shop-1", dryRun: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ plug: "shop", version: "2.0.0" });
    expect(JSON.stringify(body.plan)).toContain("nginx:1.27.0");
  });

  it("a member of the tenant who may only read cannot import or remove", async () => {
    const viewer = { as: a.members.viewer.session };
    const res = await f.call("POST", "/v1/tenants/acme/plugs", {
      ...viewer,
      body: { name: "nope", compose: "services:\n  web:\n    image: nginx:1.27.0\n" },
    });
    expect(res.statusCode).toBe(403);
    expect((await f.call("GET", "/v1/tenants/acme/plugs/shop", viewer)).statusCode).toBe(200);
    expect((await f.call("DELETE", "/v1/tenants/acme/plugs/shop", viewer)).statusCode).toBe(403);
  });

  it("removes every version; version numbers are never reused", async () => {
    const removed = await f.call("DELETE", "/v1/tenants/acme/plugs/shop", { as: a.owner.session });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().versions).toEqual([2, 1]);
    expect((await f.call("GET", "/v1/tenants/acme/plugs/shop", { as: a.owner.session })).statusCode).toBe(
      404,
    );
    const again = await f.call("POST", "/v1/tenants/acme/plugs?name=shop", {
      as: a.owner.session,
      headers: { "content-type": "application/yaml" },
      body: "services:\n  web:\n    image: nginx:1.27.0\n",
    });
    expect(again.json()).toMatchObject({ version: 3, versions: [3] });
  });
});

describe("deleting a tenant", () => {
  it("removes its private plugs with it", async () => {
    const operator = { as: { key: f.operatorKey } };
    expect((await f.call("POST", "/v1/tenants", { ...operator, body: { name: "initech" } })).statusCode).toBe(
      201,
    );
    const imported = await f.call("POST", "/v1/tenants/initech/plugs?name=tps", {
      ...operator,
      headers: { "content-type": "application/yaml" },
      body: "services:\n  web:\n    image: nginx:1.27.0\n",
    });
    expect(imported.statusCode, imported.body).toBe(201);
    const deleted = await f.call("DELETE", "/v1/tenants/initech", operator);
    expect(deleted.statusCode, deleted.body).toBe(200);
    const rows = await f.platform.store.db
      .selectFrom("tenant_plugs")
      .select(["name", "removed_at"])
      .where("name", "=", "tps")
      .execute();
    expect(rows).toEqual([{ name: "tps", removed_at: expect.any(String) }]);
  });
});

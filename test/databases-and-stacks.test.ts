import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, objectsWithLabel, rowCounts } from "./support/aimsCli.js";
import { execIn } from "./support/hostAddress.js";
import { get } from "./support/http.js";
import { containersOf, type InstanceJson } from "./support/instances.js";

// PostgreSQL and Redis run from images built here from Debian packages (`aims images build-local`,
// cached by content tag between runs) and mapped onto the catalog's upstream images by overrides.
const setup = await createTestInstall("52440-52499");
let install = setup;
afterAll(() => install.cleanup());

interface BuildReport {
  overrides: Record<string, string>;
  env: string;
  images: Array<{ ref: string; built: boolean }>;
}

beforeAll(async () => {
  const report = await setup.json<BuildReport>(["images", "build-local", "--only", "postgres,redis"]);
  expect(Object.keys(report.overrides).sort()).toEqual(["postgres:15.19", "redis:7.0.15-bookworm"]);
  // The same data dir (same installation), now with the overrides in its environment.
  install = { ...setup, ...withEnv(setup, { AIMS_IMAGE_OVERRIDES: report.env }) };
}, 600_000);

function withEnv(base: typeof setup, env: Record<string, string>) {
  return {
    run: (args: string[], extra: Record<string, string> = {}) => base.run(args, { ...env, ...extra }),
    json: <T>(args: string[], extra: Record<string, string> = {}) => base.json<T>(args, { ...env, ...extra }),
  };
}

async function containerOf(instanceId: string, service: string) {
  const all = await containersOf(instanceId);
  const found = all.find((c) => c.Config.Labels["aims.service"] === service);
  if (!found) throw new Error(`no ${service} container for ${instanceId}`);
  return found;
}

describe("postgres plug", () => {
  let pg: InstanceJson;
  beforeAll(async () => {
    pg = await install.json<InstanceJson>([
      "deploy",
      "postgres",
      "--tenant",
      "acme",
      "--name",
      "db",
      "--set",
      "POSTGRES_DB=shop",
    ]);
  });

  it("runs from the local image, non-root, and passes its health check", async () => {
    expect(pg.state).toBe("ready");
    const c = await containerOf(pg.id, "db");
    expect(c.Config.Image).toMatch(/^aims-local\/postgres:15-/);
    expect(c.Config.User).toBe("999:999");
    const ready = await execIn(c.Id, ["pg_isready", "-h", "127.0.0.1", "-p", "5432"]);
    expect(ready.output).toMatch(/accepting connections/);
  });

  it("asks network clients for the generated password", async () => {
    const c = await containerOf(pg.id, "db");
    const noPassword = await execIn(c.Id, [
      "psql",
      "-h",
      "127.0.0.1",
      "-U",
      "app",
      "-d",
      "shop",
      "-w",
      "-c",
      "select 1",
    ]);
    expect(noPassword.code).not.toBe(0);
    expect(noPassword.output).toMatch(/password/);
  });

  it("keeps its data across a restart", async () => {
    const c = await containerOf(pg.id, "db");
    const sql = "create table orders(id int); insert into orders values (1),(2),(3);";
    const created = await execIn(c.Id, [
      "psql",
      "-U",
      "app",
      "-d",
      "shop",
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      sql,
    ]);
    expect(created.code, created.output).toBe(0);
    const r = await install.run(["restart", "db", "--tenant", "acme"]);
    expect(r.code, r.stderr).toBe(0);
    const after = await containerOf(pg.id, "db");
    const count = await execIn(after.Id, [
      "psql",
      "-U",
      "app",
      "-d",
      "shop",
      "-tA",
      "-c",
      "select count(*) from orders",
    ]);
    expect(count.output.trim()).toBe("3");
  });
});

describe("redis plug", () => {
  let redis: InstanceJson;
  beforeAll(async () => {
    redis = await install.json<InstanceJson>([
      "deploy",
      "redis",
      "--tenant",
      "acme",
      "--name",
      "cache",
      "--set",
      "MAXMEMORY_MB=64",
    ]);
  });

  const cli = async (...args: string[]) => {
    const c = await containerOf(redis.id, "redis");
    return execIn(c.Id, ["sh", "-c", `redis-cli --no-auth-warning -a "$REDIS_PASSWORD" ${args.join(" ")}`]);
  };

  it("runs from the local image with its password, memory limit and health check", async () => {
    expect(redis.state).toBe("ready");
    const c = await containerOf(redis.id, "redis");
    expect(c.Config.Image).toMatch(/^aims-local\/redis:7\.0-/);
    const unauthenticated = await execIn(c.Id, ["redis-cli", "ping"]);
    expect(unauthenticated.output).toMatch(/NOAUTH/);
    expect((await cli("config", "get", "maxmemory")).output).toContain(String(64 * 1024 * 1024));
  });

  it("keeps its data across a restart (append-only file on its volume)", async () => {
    expect((await cli("set", "greeting", "hello")).output.trim()).toBe("OK");
    const r = await install.run(["restart", "cache", "--tenant", "acme"]);
    expect(r.code, r.stderr).toBe(0);
    expect((await cli("get", "greeting")).output.trim()).toBe("hello");
  });
});

describe("the same two-service stack for two tenants", () => {
  let alpha: InstanceJson;
  let bravo: InstanceJson;
  beforeAll(async () => {
    // Both at once, as two tenants would; wait for both before judging, so a failure never overlaps later tests.
    const results = await Promise.all(
      ["alpha", "bravo"].map((tenant) =>
        install.run(["deploy", "notes-api", "--tenant", tenant, "--name", "notes", "--json"]),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    [alpha, bravo] = results.map((r) => JSON.parse(r.stdout) as InstanceJson) as [InstanceJson, InstanceJson];
  });

  it("starts redis healthy before the api, in each instance", async () => {
    for (const inst of [alpha, bravo]) {
      expect(inst.state).toBe("ready");
      const [redis, api] = await Promise.all([containerOf(inst.id, "redis"), containerOf(inst.id, "api")]);
      expect(Date.parse(redis.State.StartedAt)).toBeLessThan(Date.parse(api.State.StartedAt));
    }
  });

  it("runs side by side with no name collisions", async () => {
    const names = new Set<string>();
    const networks = new Set<string>();
    for (const inst of [alpha, bravo]) {
      const objs = await objectsWithLabel(`aims.instance=${inst.id}`);
      expect(objs.containers).toHaveLength(2);
      expect(objs.networks).toHaveLength(1);
      for (const c of objs.containers) names.add(c.Names[0]!);
      networks.add(objs.networks[0]!.Name);
    }
    expect(names.size).toBe(4);
    expect(networks.size).toBe(2);
  });

  it("keeps each tenant's data to itself", async () => {
    const res = await fetch(`${alpha.url}notes`, { method: "POST", body: "alpha's secret plan" });
    expect(res.status).toBe(201);
    expect(JSON.parse((await get(`${alpha.url}notes`)).body).notes).toEqual(["alpha's secret plan"]);
    expect(JSON.parse((await get(`${bravo.url}notes`)).body).notes).toEqual([]);
  });

  it("resolves `redis` to the instance's own redis and cannot reach the other's", async () => {
    const alphaApi = await containerOf(alpha.id, "api");
    const alphaRedis = await containerOf(alpha.id, "redis");
    const bravoRedis = await containerOf(bravo.id, "redis");
    const ipOf = (c: typeof alphaApi) => Object.values(c.NetworkSettings.Networks)[0]!.IPAddress;
    const probe = `
      const dns = require("node:dns"), net = require("node:net");
      const lookup = (n) => new Promise((r) => dns.lookup(n, (e, a) => r(e ? e.code : a)));
      const connect = (h) => new Promise((r) => { const s = net.connect({ host: h, port: 6379, timeout: 1500 });
        s.on("connect", () => { s.destroy(); r("open"); }); s.on("timeout", () => { s.destroy(); r("timeout"); });
        s.on("error", (e) => r(e.code)); });
      (async () => console.log(JSON.stringify({
        redis: await lookup("redis"), other: await lookup(process.argv[1]), otherIp: await connect(process.argv[2]) })))();`;
    const r = await execIn(alphaApi.Id, ["node", "-e", probe, bravoRedis.Name.slice(1), ipOf(bravoRedis)]);
    const seen = JSON.parse(r.output.trim()) as { redis: string; other: string; otherIp: string };
    expect(seen.redis).toBe(ipOf(alphaRedis));
    expect(seen.other).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(seen.otherIp).not.toBe("open");
  });
});

describe("a plug whose image is not here and cannot be pulled", () => {
  it("fails naming the image and suggesting an image override, and leaves nothing running or held", async () => {
    const before = rowCounts(install.dataDir);
    const r = await install.run(["deploy", "qdrant", "--tenant", "acme", "--name", "vectors"]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/qdrant\/qdrant:v1\.13\.4/);
    expect(r.stderr).toMatch(/image override/);
    // The deploy was recorded, then undone: its row stays as a removed, failed instance (see `aims events`).
    const after = rowCounts(install.dataDir);
    expect(after).toEqual({ ...before, instances: (before.instances ?? 0) + 1 });
    const ps = await install.run(["ps", "--tenant", "acme", "--json"]);
    expect(JSON.parse(ps.stdout).map((i: { name: string }) => i.name)).not.toContain("vectors");
    const left = await docker.listContainers({ all: true, filters: JSON.stringify({ name: ["vectors"] }) });
    expect(left).toEqual([]);
  });
});

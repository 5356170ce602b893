import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, objectsWithLabel, rowCounts } from "./support/aimsCli.js";
import { get, portIsFree } from "./support/http.js";

interface InstanceJson {
  id: string;
  tenant: string;
  name: string;
  state: string;
  url: string;
  ports: Array<{ hostPort: number; containerPort: number; url?: string }>;
}

const install = await createTestInstall("52100-52199");
afterAll(() => install.cleanup());

describe("static-site: deploy, answer, remove", () => {
  let instance: InstanceJson;

  beforeAll(async () => {
    instance = await install.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "acme",
      "--name",
      "web",
      "--set",
      "SITE_TITLE=Acme home",
      "--wait",
    ]);
  });

  it("deploys to ready and answers over HTTP on its allocated port", async () => {
    expect(instance).toMatchObject({ tenant: "acme", name: "web", state: "ready" });
    const port = instance.ports[0]!.hostPort;
    expect(port).toBeGreaterThanOrEqual(52100);
    expect(port).toBeLessThanOrEqual(52199);
    expect(instance.url).toBe(`http://127.0.0.1:${port}/`);
    const page = await get(instance.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain("AIMS");
    const info = await get(`${instance.url}cgi-bin/info`);
    expect(info.body).toContain("title: Acme home");
  });

  it("runs the container hardened: limits, dropped capabilities, non-root, labels, bound to 127.0.0.1", async () => {
    const { containers } = await objectsWithLabel(`aims.instance=${instance.id}`);
    expect(containers).toHaveLength(1);
    const c = await docker.getContainer(containers[0]!.Id).inspect();
    expect(c.Config.User).toBe("65534:65534");
    expect(c.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(c.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
    expect(c.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(c.HostConfig.NanoCpus).toBe(0.25e9);
    expect(c.HostConfig.PidsLimit).toBe(64);
    expect(c.Config.Labels).toMatchObject({ "aims.managed": "true", "aims.instance": instance.id });
    const binding = c.HostConfig.PortBindings?.["8080/tcp"]?.[0];
    expect(binding).toEqual({ HostIp: "127.0.0.1", HostPort: String(instance.ports[0]!.hostPort) });
  });

  it("is idempotent: the same deploy again converges the same instance", async () => {
    const again = await install.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "acme",
      "--name",
      "web",
      "--set",
      "SITE_TITLE=Acme home",
    ]);
    expect(again.id).toBe(instance.id);
    expect(again.ports).toEqual(instance.ports);
    const { containers } = await objectsWithLabel(`aims.instance=${instance.id}`);
    expect(containers).toHaveLength(1);
  });

  it("refuses the same name with different settings", async () => {
    const r = await install.run([
      "deploy",
      "static-site",
      "--tenant",
      "acme",
      "--name",
      "web",
      "--set",
      "SITE_TITLE=Other",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already exists with different settings/);
  });

  it("lists it in ps and shows its logs and events", async () => {
    const ps = await install.json<InstanceJson[]>(["ps", "--tenant", "acme"]);
    expect(ps.map((i) => i.name)).toEqual(["web"]);
    const logs = await install.run(["logs", "web", "--tenant", "acme", "--tail", "50"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/web-1 \| .*GET \/cgi-bin\/info/);
    const events = await install.run(["events", "--tenant", "acme", "--json"]);
    const types = events.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(["tenant.created", "instance.created", "instance.ready"]));
  });

  it("follows logs and events as they happen (-f)", async () => {
    const root = join(import.meta.dirname, "..");
    const follow = (args: string[]) => {
      const child = spawn(process.execPath, [join(root, "dist/cli/main.js"), ...args], {
        env: { ...process.env, ...install.env },
      });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      return { child, seen: (re: RegExp) => re.test(out) };
    };
    const logs = follow(["logs", "web", "--tenant", "acme", "-f", "--tail", "0"]);
    const events = follow(["events", "--tenant", "acme", "-f"]);
    // --tail 0 prints only lines written after the follower attached, which nothing shows: ask until one arrives.
    for (let i = 0; i < 50 && !logs.seen(/GET \/cgi-bin\/info/); i++) {
      await get(`${instance.url}cgi-bin/info?follow`);
      await sleep(200);
    }
    const stop = await install.json<{ state: string }>(["stop", "web", "--tenant", "acme"]);
    expect(stop.state).toBe("stopped");
    await install.json(["start", "web", "--tenant", "acme"]);
    for (let i = 0; i < 50 && !(logs.seen(/GET \/cgi-bin\/info/) && events.seen(/instance\.stopped/)); i++)
      await sleep(200);
    logs.child.kill("SIGINT");
    events.child.kill("SIGINT");
    expect(logs.seen(/web-1 \| .*GET \/cgi-bin\/info/)).toBe(true);
    expect(events.seen(/instance\.stopped/)).toBe(true);
  });

  it("removes everything: no container, network or volume with its label; its port is free again", async () => {
    const port = instance.ports[0]!.hostPort;
    const r = await install.run(["rm", "web", "--tenant", "acme", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    const left = await objectsWithLabel(`aims.instance=${instance.id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    expect(await portIsFree(port)).toBe(true);
    expect(rowCounts(install.dataDir).allocations).toBe(0);
    expect(await install.json<unknown[]>(["ps"])).toEqual([]);
    const missing = await install.run(["rm", "web", "--tenant", "acme", "--yes"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no instance web for tenant acme/);
  });
});

describe("node-api: volume, generated secret, idempotent re-run", () => {
  let instance: InstanceJson;
  let token = "";
  const outputs: string[] = [];

  beforeAll(async () => {
    const r = await install.run([
      "deploy",
      "node-api",
      "--tenant",
      "beta",
      "--name",
      "api",
      "--json",
      "--verbose",
    ]);
    outputs.push(r.stdout, r.stderr);
    expect(r.code, r.stderr).toBe(0);
    instance = JSON.parse(r.stdout) as InstanceJson;
    const { containers } = await objectsWithLabel(`aims.instance=${instance.id}`);
    const env = (await docker.getContainer(containers[0]!.Id).inspect()).Config.Env;
    token = env.find((e) => e.startsWith("API_TOKEN="))!.slice("API_TOKEN=".length);
  });

  it("answers, and the generated secret reaches the container", async () => {
    expect(instance.state).toBe("ready");
    const res = await get(instance.url);
    expect(JSON.parse(res.body)).toMatchObject({ service: "node-api", greeting: "hello from AIMS" });
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("keeps data on its volume across a container restart", async () => {
    const put = await fetch(`${instance.url}kv/colour`, { method: "POST", body: "teal" });
    expect(put.status).toBeLessThan(300);
    const { containers } = await objectsWithLabel(`aims.instance=${instance.id}`);
    await docker.getContainer(containers[0]!.Id).restart({ t: 1 });
    const after = await install.json<InstanceJson>([
      "deploy",
      "node-api",
      "--tenant",
      "beta",
      "--name",
      "api",
    ]);
    expect(after.id).toBe(instance.id);
    const got = await get(`${instance.url}kv/colour`);
    expect(got.body).toContain("teal");
  });

  it("never shows the secret in plaintext: not in output, logs, events or the database files", async () => {
    outputs.push((await install.run(["ps", "--json"])).stdout);
    outputs.push((await install.run(["events", "--json"])).stdout);
    outputs.push((await install.run(["logs", "api", "--tenant", "beta"])).stdout);
    outputs.push(
      (await install.run(["deploy", "node-api", "--tenant", "beta", "--name", "api", "--dry-run", "--json"]))
        .stdout,
    );
    for (const text of outputs) expect(text).not.toContain(token);
    // Every file, the proxy's config tree included (sockets and directories are not files).
    const files = readdirSync(install.dataDir, { recursive: true, encoding: "utf8" }).filter((f) =>
      statSync(join(install.dataDir, f)).isFile(),
    );
    expect(files.some((f) => /^proxy\/trees\/\w+\/nginx\.conf$/.test(f))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(join(install.dataDir, file));
      expect(bytes.includes(Buffer.from(token)), `${file} holds the secret`).toBe(false);
    }
  });

  it("removes its volume unless told to keep it", async () => {
    const r = await install.run(["rm", "api", "--tenant", "beta", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).removed).toEqual({ containers: 1, networks: 1, volumes: 1 });
    const left = await objectsWithLabel(`aims.instance=${instance.id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    expect(rowCounts(install.dataDir).instance_secrets).toBe(0);
  });
});

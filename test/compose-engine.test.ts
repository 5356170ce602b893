import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, type TestInstall } from "./support/aimsCli.js";
import { execIn } from "./support/hostAddress.js";
import { get } from "./support/http.js";
import { containersOf, type InstanceJson, psOne } from "./support/instances.js";

// Compose files of the corpus imported with `aims plug import` and deployed with `aims deploy` on the real
// engine: each must become healthy and do what its file says. Deployments run a few at a time, in three
// tenants (a plan counts instances per tenant). PostgreSQL runs from the image built from Debian packages
// (`aims images build-local`, cached by content between runs) in place of postgres:15.19.
const CORPUS = join(import.meta.dirname, "compose", "corpus");
const setup = await createTestInstall("55450-55499");
let install: TestInstall = setup;
afterAll(() => setup.cleanup());

const DEPLOYS: Array<{ file: string; tenant: string; set?: string[] }> = [
  { file: "engine-web-and-database", tenant: "shop" },
  { file: "engine-busybox-httpd", tenant: "shop" },
  { file: "engine-root-drops-privileges", tenant: "shop" },
  { file: "engine-user-honoured", tenant: "shop" },
  { file: "engine-interpolation-env", tenant: "blog", set: ["GREETING=bonjour"] },
  { file: "engine-env-file", tenant: "blog" },
  { file: "engine-anchors-two-services", tenant: "blog" },
  { file: "engine-replicas", tenant: "blog" },
  { file: "engine-named-volumes", tenant: "labs" },
  { file: "engine-process-settings", tenant: "labs" },
  { file: "engine-node-app", tenant: "labs" },
];
const deployed = new Map<string, InstanceJson>();
const plugName = (file: string) => file.replace(/^engine-/, "").slice(0, 32);

beforeAll(async () => {
  const report = await setup.json<{ env: string }>(["images", "build-local", "--only", "postgres"]);
  const env = { AIMS_IMAGE_OVERRIDES: report.env };
  install = {
    ...setup,
    run: (args, extra = {}, options) => setup.run(args, { ...env, ...extra }, options),
    json: (args, extra = {}) => setup.json(args, { ...env, ...extra }),
  };
  for (const tenant of new Set(DEPLOYS.map((d) => d.tenant)))
    await install.json(["tenant", "create", tenant]);
  await Promise.all(
    DEPLOYS.map((d) =>
      install.json([
        "plug",
        "import",
        join(CORPUS, `${d.file}.yml`),
        "--tenant",
        d.tenant,
        "--name",
        plugName(d.file),
      ]),
    ),
  );
  // Three at a time: enough to overlap image checks and health waits on a 2-core host.
  const queue = [...DEPLOYS];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const name = plugName(d.file);
      const sets = (d.set ?? []).flatMap((s) => ["--set", s]);
      deployed.set(
        d.file,
        await install.json(["deploy", name, "--tenant", d.tenant, "--name", name, ...sets]),
      );
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

const instance = (file: string) => {
  const found = deployed.get(file);
  if (!found) throw new Error(`${file} was not deployed`);
  return found;
};
const portOf = (file: string, service: string) =>
  instance(file).ports.find((p) => p.service === service)!.hostPort;
const page = async (file: string, service: string) =>
  (await get(`http://127.0.0.1:${portOf(file, service)}/`)).body;
async function container(file: string, service: string) {
  const found = (await containersOf(instance(file).id)).find(
    (c) => c.Config.Labels["aims.service"] === service,
  );
  if (!found) throw new Error(`no ${service} container for ${file}`);
  return found;
}

describe("compose files on the engine", () => {
  it("deploys every engine file of the corpus to healthy", () => {
    expect(DEPLOYS.map((d) => `${d.file}: ${deployed.get(d.file)?.state}`)).toEqual(
      DEPLOYS.map((d) => `${d.file}: ready`),
    );
  });

  it("web app + database: the database started first, as its image's user; the app reaches it by service name", async () => {
    expect(await page("engine-web-and-database", "app")).toBe("database db answered N");
    const db = await container("engine-web-and-database", "db");
    const app = await container("engine-web-and-database", "app");
    expect(db.Config.Image).toMatch(/^aims-local\/postgres:15-/);
    expect(db.Config.User).toBe("999:999"); // the image's USER: no user set by AIMS
    expect(Date.parse(db.State.StartedAt)).toBeLessThan(Date.parse(app.State.StartedAt));
    // The generated password is in the database's environment, never the compose file's.
    const password = db.Config.Env.find((e) => e.startsWith("POSTGRES_PASSWORD="))!.split("=")[1]!;
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("runs imported services hardened: capabilities, no-new-privileges, limits, allocated ports", async () => {
    const web = await container("engine-busybox-httpd", "web");
    expect(await page("engine-busybox-httpd", "web")).toBe("hello from compose\n");
    expect(portOf("engine-busybox-httpd", "web")).not.toBe(8080);
    expect(portOf("engine-busybox-httpd", "web")).toBeGreaterThanOrEqual(55450);
    expect(web.HostConfig.CapDrop).toEqual(["ALL"]);
    expect([...(web.HostConfig.CapAdd ?? [])].sort()).toEqual(
      ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETGID", "SETUID"].map((c) =>
        expect.stringMatching(new RegExp(`^(CAP_)?${c}$`)),
      ),
    );
    expect(web.HostConfig.SecurityOpt).toContain("no-new-privileges:true");
    expect(web.HostConfig.Privileged).toBe(false);
    // No limits in the file: the plan's defaults.
    expect(web.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(web.HostConfig.NanoCpus).toBe(0.5e9);
    expect((web.HostConfig.Binds ?? []).length).toBe(0);
  });

  it("an image that starts as root prepares its volume and drops to its own user", async () => {
    expect(await page("engine-root-drops-privileges", "web")).toBe("65534\n");
    const c = await container("engine-root-drops-privileges", "web");
    expect(c.Config.User).toBe("");
    const owner = await execIn(c.Id, ["stat", "-c", "%u", "/site"]);
    expect(owner.output.trim()).toBe("65534");
  });

  it("honours a user: in the file", async () => {
    expect(await page("engine-user-honoured", "web")).toBe("1000\n");
    expect((await container("engine-user-honoured", "web")).Config.User).toBe("1000:1000");
  });

  it("fills variables from the deploy's answers and generates the secret", async () => {
    expect(await page("engine-interpolation-env", "web")).toBe("bonjour\n");
    const env = (await container("engine-interpolation-env", "web")).Config.Env;
    expect(env).toContain("GREETING=bonjour");
    expect(env.find((e) => e.startsWith("SITE_TOKEN="))).toMatch(/^SITE_TOKEN=[A-Za-z0-9]{32}$/);
  });

  it("takes the env file the CLI uploaded with the compose file", async () => {
    expect(await page("engine-env-file", "web")).toBe("from the env file\n");
  });

  it("anchors and merge keys: front reaches back by its service name; back publishes nothing", async () => {
    expect(await page("engine-anchors-two-services", "front")).toBe("back says hi\n");
    expect(instance("engine-anchors-two-services").ports.filter((p) => p.service === "back")).toEqual([]);
  });

  it("deploy.replicas: two replicas, each with its own host port and the file's limits", async () => {
    const containers = await containersOf(instance("engine-replicas").id);
    expect(containers).toHaveLength(2);
    expect(new Set(instance("engine-replicas").ports.map((p) => p.hostPort)).size).toBe(2);
    for (const c of containers) {
      expect(c.HostConfig.Memory).toBe(64 * 1024 * 1024);
      expect(c.HostConfig.NanoCpus).toBe(0.25e9);
    }
  });

  it("named and anonymous volumes become the instance's own labelled volumes", async () => {
    const c = await container("engine-named-volumes", "store");
    const mounts = c.Mounts.filter((m) => m.Type === "volume")
      .map((m) => m.Destination)
      .sort();
    expect(mounts).toEqual(["/cache", "/data"]);
    const volumes = await docker.listVolumes({
      filters: { label: [`aims.instance=${instance("engine-named-volumes").id}`] },
    });
    expect(volumes.Volumes).toHaveLength(2);
  });

  it("applies stop signal, grace period, working directory, labels and limits", async () => {
    const c = await container("engine-process-settings", "worker");
    const config = c.Config as { StopSignal?: string; StopTimeout?: number };
    expect(config.StopSignal).toBe("SIGINT");
    expect(config.StopTimeout).toBe(3);
    expect(c.Config.WorkingDir).toBe("/tmp");
    expect(c.Config.Labels["com.example.role"]).toBe("worker");
    expect(c.HostConfig.Memory).toBe(48 * 1024 * 1024);
    expect(c.HostConfig.PidsLimit).toBe(32);
  });

  it("runs a Node.js app from the long port syntax", async () => {
    expect(await page("engine-node-app", "api")).toBe("node says compose");
  });

  it("another tenant neither sees the plug nor reaches its containers", async () => {
    const list = await install.json<Array<{ name: string }>>(["plug", "list", "--tenant", "labs"]);
    expect(list.map((p) => p.name)).not.toContain("busybox-httpd");
    const other = await install.run([
      "deploy",
      "busybox-httpd",
      "--tenant",
      "labs",
      "--name",
      "stolen",
      "--dry-run",
    ]);
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/unknown plug "busybox-httpd"/);
    const shopWeb = await container("engine-busybox-httpd", "web");
    const address = Object.values(shopWeb.NetworkSettings.Networks)[0]!.IPAddress;
    const labs = await container("engine-named-volumes", "store");
    const reach = await execIn(labs.Id, ["wget", "-q", "-T", "2", "-O-", `http://${address}:8080/`]);
    expect(reach.code).not.toBe(0);
  });

  it("applies the plan's quotas to imported plugs as to catalog plugs", async () => {
    await install.json(["tenant", "create", "tiny", "--plan", "starter"]);
    await install.json([
      "plug",
      "import",
      join(CORPUS, "resources-legacy.yml"),
      "--tenant",
      "tiny",
      "--name",
      "big",
    ]);
    const refused = await install.run(["deploy", "big", "--tenant", "tiny", "--name", "big"]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/cpu|memory/i);
  });

  it("a re-import is a new version: the instance keeps its own until updated, and outlives the plug's removal", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "aims-compose-")), "docker-compose.yml");
    const v1 = readFileSync(join(CORPUS, "engine-busybox-httpd.yml"), "utf8");
    writeFileSync(file, v1.replace("hello from compose", "hello from version 2"));
    const args = ["--tenant", "shop"];
    const v2 = await install.json<{ version: number }>([
      "plug",
      "import",
      file,
      ...args,
      "--name",
      "busybox-httpd",
    ]);
    expect(v2.version).toBe(2);
    expect(await page("engine-busybox-httpd", "web")).toBe("hello from compose\n");
    const updated = await install.json<InstanceJson>([
      "update",
      "busybox-httpd",
      ...args,
      "--to-catalog-version",
    ]);
    expect(updated.state).toBe("ready");
    const port = updated.ports.find((p) => p.service === "web")!.hostPort;
    expect((await get(`http://127.0.0.1:${port}/`)).body).toBe("hello from version 2\n");
    const removed = await install.run(["plug", "rm", "busybox-httpd", ...args]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await psOne(install, "shop", "busybox-httpd"))?.state).toBe("ready");
    const list = await install.json<Array<{ name: string }>>(["plug", "list", ...args]);
    expect(list.map((p) => p.name)).not.toContain("busybox-httpd");
  });
});

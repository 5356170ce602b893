import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog/loadCatalog.js";
import { ensureBuiltImage } from "../src/images/buildPlugImage.js";
import { BUILTIN_CATALOG } from "../src/platform.js";
import { DockerDriver } from "../src/runtime/docker/DockerDriver.js";
import { migrations } from "../src/store/migrations/index.js";
import { createTestInstall, docker, openDb, removeByLabel } from "./support/aimsCli.js";
import { type EngineSnapshot, recreateEngine } from "./support/engineSnapshot.js";
import { get, portIsFree } from "./support/http.js";
import type { InstanceJson } from "./support/instances.js";

/**
 * The upgrade path: a store and a running world made by an earlier release (test/fixtures/upgrade, see
 * make-fixture.sh) open with this code, migrate forward, and keep running untouched. The fixture's
 * names carry its installation id, so one run at a time; its host ports are 51900-51950.
 */
const FIXTURE = resolve(import.meta.dirname, "fixtures/upgrade");
const snapshot = JSON.parse(readFileSync(join(FIXTURE, "engine.json"), "utf8")) as EngineSnapshot;
const before = JSON.parse(readFileSync(join(FIXTURE, "ps.json"), "utf8")) as InstanceJson[];
const fixtureLabel = `aims.installation=${snapshot.installationId}`;
const install = await createTestInstall("51900-51950", { AIMS_PROXY: "off" });

interface TickJson {
  instances: number;
  acted: string[];
  orphans: { containers: number; networks: number; volumes: number };
  releasedAllocations: number;
}

/** What must survive the upgrade: who each instance is, its state, revision and ports. */
const essentials = (list: InstanceJson[]) =>
  list.map((i) => ({
    id: i.id,
    tenant: i.tenant,
    name: i.name,
    state: i.state,
    revision: i.revision,
    ports: i.ports.map((p) => ({ service: p.service, hostPort: p.hostPort, containerPort: p.containerPort })),
  }));

/** The fixture's images, built from today's catalog and tagged as the fixture names them when the engine lacks them. */
async function ensureFixtureImages(): Promise<void> {
  const driver = new DockerDriver({ socketPath: "/var/run/docker.sock", pullTimeoutMs: 120_000 });
  const catalog = loadCatalog([BUILTIN_CATALOG]);
  for (const c of snapshot.containers) {
    if (await driver.hasImage(c.create.Image)) continue;
    const entry = catalog.get(c.plug);
    const build = entry.plug.services.find((s) => s.name === c.service)?.build;
    if (!build) throw new Error(`fixture image ${c.create.Image} is missing and ${c.plug} builds none`);
    const built = await ensureBuiltImage(driver, {
      plugId: c.plug,
      service: c.service,
      version: entry.plug.version,
      contextDir: resolve(entry.dir, build.context),
    });
    const [repo, tag = "latest"] = c.create.Image.split(":");
    if (built !== c.create.Image) await docker.getImage(built).tag({ repo: repo!, tag });
  }
}

/** Id, status and start time of every fixture container, by name. */
async function containerIdentities() {
  const seen = await Promise.all(
    snapshot.containers.map((c) => docker.getContainer(c.create.name).inspect()),
  );
  return seen.map((c) => ({ name: c.Name, id: c.Id, status: c.State.Status, startedAt: c.State.StartedAt }));
}

let identities: Awaited<ReturnType<typeof containerIdentities>>;

beforeAll(async () => {
  // A run that crashed leaves the fixture's objects behind under the same names.
  await removeByLabel(fixtureLabel);
  const ports = before.flatMap((i) => i.ports.map((p) => p.hostPort));
  for (const port of ports)
    if (!(await portIsFree(port))) throw new Error(`fixture host port ${port} is taken; free 51900-51950`);
  await ensureFixtureImages();
  copyFileSync(join(FIXTURE, "aims.db"), join(install.dataDir, "aims.db"));
  copyFileSync(join(FIXTURE, "master.key"), join(install.dataDir, "master.key"));
  // Git keeps no file modes but the executable bit; AIMS refuses a key others can read.
  chmodSync(join(install.dataDir, "master.key"), 0o600);
  await recreateEngine(snapshot);
  identities = await containerIdentities();
});

afterAll(async () => {
  await install.cleanup();
  await removeByLabel(fixtureLabel);
});

describe("upgrade: an earlier release's store and running world", () => {
  it("opens and migrates: the same instances, states, revisions and host ports", async () => {
    const after = await install.json<InstanceJson[]>(["ps"]);
    expect(essentials(after)).toEqual(essentials(before));
    const db = openDb(install.dataDir);
    try {
      const applied = db.prepare("select name from kysely_migration order by name").all() as Array<{
        name: string;
      }>;
      expect(applied.map((m) => m.name)).toEqual(Object.keys(migrations).sort());
    } finally {
      db.close();
    }
  });

  it("reconciles without recreating or restarting a container, or calling any object an orphan", async () => {
    const report = await install.json<TickJson>(["reconcile"]);
    expect(report.instances).toBe(before.length);
    expect(report.orphans).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(report.releasedAllocations).toBe(0);
    expect(await containerIdentities()).toEqual(identities);
    expect(identities.map((c) => c.status).sort()).toEqual(["exited", "running", "running"]);
  });

  it("still serves on the old host ports", async () => {
    const site = before.find((i) => i.name === "site")!;
    const page = await get(`${site.url}cgi-bin/info`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("title: Acme before the upgrade");
    const api = before.find((i) => i.name === "api")!;
    expect(JSON.parse((await get(api.url)).body)).toMatchObject({ greeting: "hello from revision 2" });
  });

  it("still decrypts secrets: the store yields the token the running container holds", async () => {
    const shown = await install.json<{ secrets: Array<{ key: string; value: string }> }>([
      "secrets",
      "show",
      "api",
      "--tenant",
      "acme",
      "--yes-show-secrets",
    ]);
    const api = snapshot.containers.find((c) => c.plug === "node-api")!;
    const env = (await docker.getContainer(api.create.name).inspect()).Config.Env;
    const token = shown.secrets.find((s) => s.key === "API_TOKEN")?.value;
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(env).toContain(`API_TOKEN=${token}`);
  });

  it("a second reconcile acts on nothing", async () => {
    const report = await install.json<TickJson>(["reconcile"]);
    expect(report.acted).toEqual([]);
    expect(report.orphans).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(await containerIdentities()).toEqual(identities);
  });

  it("an update after the upgrade mounts the volume the instance had (its name-derived one, not a new one)", async () => {
    const api = before.find((i) => i.name === "api")!;
    const r = await install.run(["update", "api", "--tenant", "acme", "--set", "GREETING=after the upgrade"]);
    expect(r.code, r.stderr).toBe(0);
    const [created] = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`aims.instance=${api.id}`, `aims.revision=${api.revision + 1}`] }),
    });
    expect(created, "no container of the new revision").toBeDefined();
    expect(created!.Mounts.map((m) => m.Name)).toEqual(snapshot.volumes.map((v) => v.Name));
  });
});

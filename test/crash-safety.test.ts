import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestInstall,
  docker,
  installationId,
  objectsWithLabel,
  openDb,
  type TestInstall,
} from "./support/aimsCli.js";
import { get, portIsFree } from "./support/http.js";
import { containersOf, expectPortsConsistent, type InstanceJson, psOne } from "./support/instances.js";

const install = await createTestInstall("53300-53399");
afterAll(() => install.cleanup());

/** Runs a CLI command that SIGKILLs itself at `point`, then `aims reconcile`, which must converge. */
async function crashThenReconcile(point: string, args: string[]) {
  const crashed = await install.run(args, { AIMS_TEST_CRASH_AT: point });
  expect(
    crashed.signal,
    `aims ${args.join(" ")} should have been killed at ${point}: ${crashed.stderr}`,
  ).toBe("SIGKILL");
  expect(crashed.stdout).toBe("");
  const healed = await install.run(["reconcile"]);
  expect(healed.code, healed.stderr).toBe(0);
  await expectPortsConsistent(install, installationId(install.dataDir)!);
}

async function expectNoOrphans() {
  const id = installationId(install.dataDir)!;
  const instances = new Set((await install.json<InstanceJson[]>(["ps"])).map((i) => i.id));
  const objects = await objectsWithLabel(`aims.installation=${id}`);
  // Warm-pool networks carry no instance label: each must be one the store records.
  const db = openDb(install.dataDir);
  const pool = new Set(
    (db.prepare("select name from network_pool").all() as Array<{ name: string }>).map((r) => r.name),
  );
  db.close();
  const [poolNetworks, instanceNetworks] = [
    objects.networks.filter((n) => n.Labels?.["aims.pool"] !== undefined),
    objects.networks.filter((n) => n.Labels?.["aims.pool"] === undefined),
  ];
  for (const n of poolNetworks)
    expect(pool.has(n.Name), `pool network ${n.Name} the store does not record`).toBe(true);
  const labels: Array<Record<string, string>> = [
    ...objects.containers.map((c) => c.Labels ?? {}),
    ...instanceNetworks.map((n) => n.Labels ?? {}),
    ...objects.volumes.map((v) => v.Labels ?? {}),
  ];
  for (const o of labels) {
    expect(instances.has(o["aims.instance"] ?? ""), `object of unknown instance ${o["aims.instance"]}`).toBe(
      true,
    );
  }
}

describe("a SIGKILL at any step boundary, then aims reconcile, converges", () => {
  it.each(["after-port-allocation", "after-container-create", "during-health-wait"])(
    "deploy killed %s ends ready",
    async (point) => {
      const name = point.split("-")[1]!;
      await crashThenReconcile(point, ["deploy", "static-site", "--tenant", "crash", "--name", name]);
      const i = await psOne(install, "crash", name);
      expect(i?.state).toBe("ready");
      expect((await get(i!.url)).status).toBe(200);
      await expectNoOrphans();
    },
  );

  it("update killed midway ends on the new revision with the old one gone", async () => {
    await install.json([
      "deploy",
      "static-site",
      "--tenant",
      "crash",
      "--name",
      "upd",
      "--set",
      "SITE_TITLE=old",
    ]);
    await crashThenReconcile("mid-update", ["update", "upd", "--tenant", "crash", "--set", "SITE_TITLE=new"]);
    const i = (await psOne(install, "crash", "upd"))!;
    expect(i).toMatchObject({ state: "ready", revision: 2 });
    expect((await get(`${i.url}cgi-bin/info`)).body).toContain("title: new");
    expect((await containersOf(i.id)).map((c) => c.Config.Labels["aims.revision"])).toEqual(["2"]);
  });

  it("scale killed after allocating ports ends with every replica running on its own port", async () => {
    await crashThenReconcile("after-port-allocation", [
      "scale",
      "port",
      "--tenant",
      "crash",
      "--replicas",
      "2",
    ]);
    const i = (await psOne(install, "crash", "port"))!;
    expect(i.ports).toHaveLength(2);
    expect((await containersOf(i.id)).filter((c) => c.State.Running)).toHaveLength(2);
    for (const port of i.ports) expect((await get(port.url!)).status).toBe(200);
  });

  it("removal killed midway ends removed: no object left, port free", async () => {
    const i = (await psOne(install, "crash", "container"))!;
    await crashThenReconcile("mid-removal", ["rm", "container", "--tenant", "crash", "--yes"]);
    expect(await psOne(install, "crash", "container")).toBeUndefined();
    const left = await objectsWithLabel(`aims.instance=${i.id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    expect(await portIsFree(i.ports[0]!.hostPort)).toBe(true);
    await expectNoOrphans();
  });
});

describe("two installs on one engine", () => {
  let other: TestInstall;
  beforeAll(async () => {
    other = await createTestInstall("53400-53449");
  });
  afterAll(() => other.cleanup());

  it("never touch each other's objects, and each removes only its own orphans", async () => {
    const mine = (await psOne(install, "crash", "health"))!;
    const theirs = await other.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "crash",
      "--name",
      "health",
    ]);
    expect(theirs.ports[0]!.hostPort).not.toBe(mine.ports[0]!.hostPort);
    const otherId = installationId(other.dataDir)!;
    // An object labelled with the other install that its store does not know: an orphan for it, not for us.
    const orphan = await docker.createContainer({
      Image: "aims-base/busybox:1",
      Cmd: ["sleep", "60"],
      Labels: {
        "aims.managed": "true",
        "aims.installation": otherId,
        "aims.instance": "01GHOSTGHOSTGHOSTGHOSTGHOS",
      },
    });
    const ours = await install.run(["reconcile"]);
    expect(ours.code).toBe(0);
    expect(await orphan.inspect()).toBeTruthy();
    const theirsReconcile = await other.run(["reconcile"]);
    expect(theirsReconcile.stdout).toMatch(/1 orphan\(s\) removed/);
    await expect(orphan.inspect()).rejects.toThrow();
    expect((await get(mine.url)).status).toBe(200);
    expect((await get(theirs.url)).status).toBe(200);
  });
});

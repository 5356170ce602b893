import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, installationId, objectsWithLabel } from "./support/aimsCli.js";
import { get, portIsFree } from "./support/http.js";
import {
  containersOf,
  eventTypes,
  expectPortsConsistent,
  type InstanceJson,
  psOne,
} from "./support/instances.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
// The rollback test pins busybox, outside static-site's own repositories: the operator allows it here.
const install = await createTestInstall("53100-53199", {
  AIMS_CATALOG_DIRS: FIXTURES,
  AIMS_ALLOWED_IMAGE_REPOSITORIES: "aims-base/busybox",
});
afterAll(() => install.cleanup());

const answers = async (url: string) => {
  try {
    return (await get(url, 2000)).status;
  } catch {
    return 0;
  }
};

describe("stop, start, restart, suspend, resume", () => {
  let web: InstanceJson;
  beforeAll(async () => {
    web = await install.json<InstanceJson>(["deploy", "static-site", "--tenant", "life", "--name", "web"]);
  });

  it("stop keeps ports and data but nothing answers; start brings it back on the same port", async () => {
    const stopped = await install.json<InstanceJson>(["stop", "web", "--tenant", "life"]);
    expect(stopped.state).toBe("stopped");
    expect(stopped.ports).toEqual(web.ports);
    expect(await answers(web.url)).toBe(0);
    expect((await containersOf(web.id)).map((c) => c.State.Running)).toEqual([false]);
    const started = await install.json<InstanceJson>(["start", "web", "--tenant", "life"]);
    expect(started.state).toBe("ready");
    expect(await answers(web.url)).toBe(200);
  });

  it("restart runs the same container again", async () => {
    const before = (await containersOf(web.id))[0]!;
    const restarted = await install.json<InstanceJson>(["restart", "web", "--tenant", "life"]);
    expect(restarted.state).toBe("ready");
    const after = (await containersOf(web.id))[0]!;
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt);
    expect(await answers(web.url)).toBe(200);
  });

  it("suspend stops it and only resume brings it back", async () => {
    expect((await install.json<InstanceJson>(["suspend", "web", "--tenant", "life"])).state).toBe(
      "suspended",
    );
    expect(await answers(web.url)).toBe(0);
    const start = await install.run(["start", "web", "--tenant", "life"]);
    expect(start.code).toBe(4);
    expect(start.stderr).toMatch(/suspended; `aims resume web --tenant life` starts it again/);
    expect((await install.json<InstanceJson>(["resume", "web", "--tenant", "life"])).state).toBe("ready");
    expect(await answers(web.url)).toBe(200);
    expect(eventTypes(install, web.id)).toEqual(
      expect.arrayContaining([
        "instance.stopped",
        "instance.suspended",
        "instance.deploying",
        "instance.ready",
      ]),
    );
  });
});

describe("scale", () => {
  let site: InstanceJson;
  beforeAll(async () => {
    site = await install.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "life",
      "--name",
      "scaled",
    ]);
  });

  it("runs three replicas, each on its own allocated port, each answering from its own container", async () => {
    const scaled = await install.json<InstanceJson>([
      "scale",
      "scaled",
      "--tenant",
      "life",
      "--replicas",
      "3",
    ]);
    expect(scaled.ports).toHaveLength(3);
    expect(new Set(scaled.ports.map((p) => p.hostPort)).size).toBe(3);
    const hosts = new Set<string>();
    for (const port of scaled.ports) {
      const info = await get(`${port.url}cgi-bin/info`);
      hosts.add(/hostname: (\S+)/.exec(info.body)![1]!);
    }
    expect(hosts.size).toBe(3);
    await expectPortsConsistent(install, installationId(install.dataDir)!);
  });

  it("scales down, removing replicas and releasing their ports", async () => {
    const before = (await psOne(install, "life", "scaled"))!;
    const freed = before.ports.map((p) => p.hostPort).filter((p) => p !== site.ports[0]!.hostPort);
    const down = await install.json<InstanceJson>(["scale", "scaled", "--tenant", "life", "--replicas", "1"]);
    expect(down.ports.map((p) => p.hostPort)).toEqual([site.ports[0]!.hostPort]);
    expect(await containersOf(site.id)).toHaveLength(1);
    for (const port of freed) expect(await portIsFree(port)).toBe(true);
  });

  it("refuses to scale a service that keeps data in volumes", async () => {
    await install.json(["deploy", "node-api", "--tenant", "life", "--name", "api"]);
    const r = await install.run(["scale", "api", "--tenant", "life", "--replicas", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stateless services: none/);
    const bad = await install.run(["scale", "scaled", "--tenant", "life", "--replicas", "99"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--replicas must be a whole number from 1 to 20/);
  });
});

describe("update", () => {
  let site: InstanceJson;
  beforeAll(async () => {
    site = await install.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "upd",
      "--name",
      "web",
      "--set",
      "SITE_TITLE=First",
    ]);
  });

  it("rolls back a revision that never becomes healthy; the old revision keeps serving", async () => {
    // busybox's default command is a shell that exits at once: the new revision can never pass its health gate.
    const r = await install.run(["update", "web", "--tenant", "upd", "--image", "web=aims-base/busybox:1"]);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/update to revision 2 failed: .*exited with code 0.*rolled back to revision 1/);
    const now = (await psOne(install, "upd", "web"))!;
    expect(now).toMatchObject({ state: "ready", revision: 1 });
    expect(now.ports).toEqual(site.ports);
    const info = await get(`${site.url}cgi-bin/info`);
    expect(info.body).toContain("title: First");
    const containers = await containersOf(site.id);
    expect(containers.map((c) => c.Config.Labels["aims.revision"])).toEqual(["1"]);
    expect(eventTypes(install, site.id)).toContain("instance.rolled_back");
  });

  it("applies a good revision and removes the old one", async () => {
    const updated = await install.json<InstanceJson>([
      "update",
      "web",
      "--tenant",
      "upd",
      "--set",
      "SITE_TITLE=Second",
      "--memory",
      "96m",
    ]);
    expect(updated).toMatchObject({ state: "ready", revision: 3, reason: null });
    expect((await get(`${site.url}cgi-bin/info`)).body).toContain("title: Second");
    const containers = await containersOf(site.id);
    expect(containers).toHaveLength(1);
    expect(containers[0]!.Config.Labels["aims.revision"]).toBe("3");
    expect(containers[0]!.HostConfig.Memory).toBe(96 * 1024 * 1024);
    const same = await install.run(["update", "web", "--tenant", "upd", "--set", "SITE_TITLE=Second"]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/nothing to update/);
  });

  it("leaves no stale objects behind", async () => {
    const { containers } = await objectsWithLabel(`aims.instance=${site.id}`);
    expect(containers).toHaveLength(1);
    await expectPortsConsistent(install, installationId(install.dataDir)!);
  });
});

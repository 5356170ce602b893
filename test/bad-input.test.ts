import type { Server } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, installationId, objectsWithLabel, rowCounts } from "./support/aimsCli.js";
import { occupyPort } from "./support/http.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const install = await createTestInstall("52200-52209", { AIMS_CATALOG_DIRS: FIXTURES });
afterAll(() => install.cleanup());

const nothing = { tenants: 0, instances: 0, allocations: 0, instance_secrets: 0 };

/** Asserts a failed command changed nothing: no rows and no Docker objects of this install. */
async function expectUnchanged() {
  expect(rowCounts(install.dataDir)).toEqual(nothing);
  const id = installationId(install.dataDir);
  if (id) {
    const left = await objectsWithLabel(`aims.installation=${id}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
  }
}

describe("bad input gets a clear error, a non-zero exit and changes nothing", () => {
  it.each([
    [["deploy", "nope", "--tenant", "acme", "--name", "web"], 3, /unknown plug "nope".*static-site/],
    [["deploy", "static-site", "--tenant", "Acme!", "--name", "web"], 2, /tenant must be a DNS label/],
    [["deploy", "static-site", "--tenant", "acme", "--name", "-web"], 2, /name must be a DNS label/],
    [
      ["deploy", "static-site", "--tenant", "acme", "--name", "web", "--set", "COLOUR=red"],
      2,
      /unknown input COLOUR for plug static-site \(known: SITE_TITLE\)/,
    ],
    [
      ["deploy", "static-site", "--tenant", "acme", "--name", "web", "--set", `SITE_TITLE=${"x".repeat(81)}`],
      2,
      /SITE_TITLE must be at most 80 characters/,
    ],
    [
      ["deploy", "static-site", "--tenant", "acme", "--name", "web", "--set", "SITE_TITLE"],
      2,
      /--set must be KEY=VALUE/,
    ],
    [["rm", "ghost", "--tenant", "acme", "--yes"], 3, /no instance ghost for tenant acme/],
    [["rm", "web", "--tenant", "acme"], 2, /refusing to remove without --yes/],
  ] as const)("aims %j", async (args, code, message) => {
    const r = await install.run([...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    await expectUnchanged();
  });

  it("prints a dry-run plan (secrets by name only) and changes nothing", async () => {
    const r = await install.run([
      "deploy",
      "node-api",
      "--tenant",
      "acme",
      "--name",
      "api",
      "--dry-run",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { plan } = JSON.parse(r.stdout);
    expect(plan.network).toMatch(/^aims-[a-z0-9]{6}-acme-api$/);
    expect(plan.volumes).toEqual([expect.objectContaining({ service: "api", path: "/data" })]);
    expect(plan.containers[0]).toMatchObject({
      service: "api",
      user: "65534:65534",
      limits: { cpus: 0.5, memoryMiB: 128, pids: 128 },
    });
    expect(plan.containers[0].env.API_TOKEN).toBe("<secret:API_TOKEN>");
    expect(plan.ports[0]).toMatchObject({ container: 3000, host: expect.any(Number) });
    expect(plan.ports[0].host).toBeGreaterThanOrEqual(52200);
    expect(plan.ports[0].host).toBeLessThanOrEqual(52209);
    expect(plan.secrets).toEqual(["API_TOKEN"]);
    await expectUnchanged();
    const text = await install.run(["deploy", "node-api", "--tenant", "acme", "--name", "api", "--dry-run"]);
    expect(text.stdout).toMatch(/dry run: nothing was changed/);
    await expectUnchanged();
  });

  it("answers --json errors in the one JSON shape", async () => {
    const r = await install.run(["deploy", "nope", "--tenant", "acme", "--name", "web", "--json"]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "not_found", message: expect.stringMatching(/unknown plug/) },
    });
  });

  it("refuses when the Docker engine is unreachable", async () => {
    const r = await install.run(["deploy", "static-site", "--tenant", "acme", "--name", "web"], {
      AIMS_DOCKER_SOCKET: "/tmp/aims-no-such.sock",
    });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/Docker engine unreachable at \/tmp\/aims-no-such\.sock/);
    await expectUnchanged();
  });

  describe("when the port range is exhausted", () => {
    const servers: Server[] = [];
    beforeAll(async () => {
      // A port some other socket already holds (an outgoing connection's source port, say) is just as taken.
      for (const port of [52230, 52231]) {
        const server = await occupyPort(port).catch(() => undefined);
        if (server) servers.push(server);
      }
    });
    afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

    it("refuses with the range and how to widen it", async () => {
      const r = await install.run(["deploy", "static-site", "--tenant", "acme", "--name", "web"], {
        AIMS_PORT_RANGE: "52230-52231",
      });
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/port range 52230-52231 is exhausted/);
      await expectUnchanged();
    });
  });

  // Image preparation is a reconcile step: the deploy is recorded, then undone like any failed first
  // deploy (no instance listed, no port, no secret, no object), and the failure is an event.
  it("fails on an image no registry serves, naming it and suggesting an override; nothing is left", async () => {
    const r = await install.run(["deploy", "unpullable", "--tenant", "acme", "--name", "pull"]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/registry\.invalid\/x:1/);
    expect(r.stderr).toMatch(/image override/);
    const counts = rowCounts(install.dataDir);
    expect(counts.allocations).toBe(0);
    expect(counts.instance_secrets).toBe(0);
    const ps = await install.run(["ps", "--tenant", "acme", "--json"]);
    expect(JSON.parse(ps.stdout).map((i: { name: string }) => i.name)).not.toContain("pull");
    const left = await objectsWithLabel(`aims.installation=${installationId(install.dataDir)}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    const events = await install.run(["events", "--type", "instance.failed", "--json"]);
    expect(events.stdout).toMatch(/registry\.invalid\/x:1/);
  });

  it("rolls back a plug that crashes at start and says why", async () => {
    const r = await install.run(["deploy", "crashing", "--tenant", "acme", "--name", "app"]);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/exited with code 3/);
    expect(r.stderr).toMatch(/boom: missing config/);
    const counts = rowCounts(install.dataDir);
    expect(counts.allocations).toBe(0);
    expect(counts.instance_secrets).toBe(0);
    const left = await objectsWithLabel(`aims.installation=${installationId(install.dataDir)}`);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    const events = await install.run(["events", "--type", "instance.failed", "--json"]);
    expect(events.stdout).toMatch(/exited with code 3/);
    expect(await install.json<unknown[]>(["ps"])).toEqual([]);
  });
});

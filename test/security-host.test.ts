import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/database.js";
import { createTestInstall, docker, objectsWithLabel } from "./support/aimsCli.js";
import { type ApiFixture, createApiFixture } from "./support/apiFixture.js";
import { buildTenant, type TenantWorld } from "./support/apiWorld.js";
import { hostAddressForContainers } from "./support/hostAddress.js";
import { AIMS_CHAIN, chainRules, inputJumpsTo, iptablesRuns, removeChain } from "./support/hostFirewall.js";
import { get } from "./support/http.js";
import type { InstanceJson } from "./support/instances.js";

/** Issue "Security I", findings 3, 11 and 12: this file's port range is 53750-53799. */
const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const install = await createTestInstall("53750-53779", { AIMS_CATALOG_DIRS: FIXTURES, AIMS_FIREWALL: "on" });
afterAll(() => install.cleanup());

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, "0");

describe("a member cannot lift resource limits or pin any image (finding 3)", () => {
  beforeAll(async () => {
    await install.json(["deploy", "static-site", "--tenant", "lim", "--name", "web"]);
  });

  it.each([
    [
      "--memory",
      "1000g",
      /--memory 1000g is above the ceiling of 256m for service web \(plug maximum 256m; operator ceiling 8g, limits.memory\): allowed 6m to 256m/,
    ],
    [
      "--cpu",
      "2",
      /--cpu 2 is above the ceiling of 1 for service web \(plug maximum 1; operator ceiling 4, limits.cpu\): allowed 0.01 to 1/,
    ],
    [
      "--pids",
      "32768",
      /--pids 32768 is above the ceiling of 256 for service web \(plug maximum 256; operator ceiling 4096, limits.pids\): allowed 16 to 256/,
    ],
  ])(
    "refuses %s %s above the plug's maximum, naming the flag and the range",
    async (flag, value, message) => {
      const r = await install.run(["update", "web", "--tenant", "lim", flag, value]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    },
  );

  it("holds the operator's ceiling below the plug's maximum", async () => {
    const r = await install.run(["update", "web", "--tenant", "lim", "--memory", "200m"], {
      AIMS_LIMIT_MEMORY: "128m",
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--memory 200m is above the ceiling of 128m .*operator ceiling 128m/);
  });

  it("refuses an image outside the plug's own repositories, and applies limits within the range", async () => {
    const pin = await install.run(["update", "web", "--tenant", "lim", "--image", "web=aims-base/busybox:1"]);
    expect(pin.code).toBe(2);
    expect(pin.stderr).toMatch(
      /--image web=aims-base\/busybox:1 is not from plug static-site's own image repositories \(aims-plug\/static-site-web\)/,
    );
    const ok = await install.json<InstanceJson>(["update", "web", "--tenant", "lim", "--memory", "128m"]);
    expect(ok).toMatchObject({ state: "ready", revision: 2 });
    const { containers } = await objectsWithLabel(`aims.instance=${ok.id}`);
    const inspect = await docker.getContainer(containers[0]!.Id).inspect();
    expect(inspect.HostConfig.Memory).toBe(128 * 1024 * 1024);
  });
});

describe("changing images is a permission of its own (finding 3)", () => {
  let f: ApiFixture;
  let t: TenantWorld;
  const update = (as: { cookie: string; csrf: string }, body: unknown) =>
    f.call("POST", `/v1/tenants/pins/instances/${t.instance.name}/actions/update`, { as, body });

  beforeAll(async () => {
    f = await createApiFixture({ ports: { min: 53780, max: 53789 }, health: { timeoutMs: 1000 } });
    t = await buildTenant(f, "pins");
  });
  afterAll(() => f.close());

  it("a member may not pin an image; an admin may, within the plug's repositories", async () => {
    const asMember = await update(t.members.member.session, { images: { web: "aims-base/busybox:1" } });
    expect(asMember.statusCode, asMember.body).toBe(403);
    expect(asMember.json().error.message).toMatch(/does not allow instance\.image/);
    const asAdmin = await update(t.members.admin.session, { images: { web: "aims-base/busybox:1" } });
    expect(asAdmin.statusCode, asAdmin.body).toBe(400);
    expect(asAdmin.json().error.message).toMatch(
      /--image web=aims-base\/busybox:1 is not from plug static-site/,
    );
  });

  it("a member's limits are bounded like the CLI's, naming the field", async () => {
    const res = await update(t.members.member.session, { memory: "1000g" });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(/memory 1000g is above the ceiling of 256m for service web/);
  });

  it("refuses a tenant named like a punycode label (finding 13)", async () => {
    const res = await f.call("POST", "/v1/tenants", {
      as: t.owner.session,
      body: { name: "xn--80ak6aa92e" },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(/must not start with xn--/);
  });
});

const modes = await createTestInstall("53790-53799");
afterAll(() => modes.cleanup());

describe("the data dir and the database are private (finding 11)", () => {
  it("warns about and fixes a data dir others can read; the database is 0600", async () => {
    chmodSync(modes.dataDir, 0o755);
    const r = await modes.run(["ps"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data dir .* had mode 0755.*changed it to 0700/);
    expect(mode(modes.dataDir)).toBe("0700");
    expect(mode(join(modes.dataDir, "aims.db"))).toBe("0600");
  });

  it("aims doctor names a data dir or file others can read", async () => {
    chmodSync(modes.dataDir, 0o750);
    const r = await modes.run(["doctor", "--json"]);
    const checks = JSON.parse(r.stdout) as Array<{ name: string; ok: boolean; detail: string }>;
    expect(checks.find((c) => c.name === "file modes")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/data dir .* has mode 0750/),
    });
    chmodSync(modes.dataDir, 0o700);
    const again = JSON.parse((await modes.run(["doctor", "--json"])).stdout) as typeof checks;
    expect(again.find((c) => c.name === "file modes")?.ok).toBe(true);
  });

  it("creates the database, its WAL and SHM 0600, and tightens an existing 0644 database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aims-modes-"));
    try {
      const dataDir = join(dir, "data");
      const databaseUrl = `sqlite://${join(dataDir, "aims.db")}`;
      const store = await openStore({ databaseUrl, dataDir });
      expect(mode(dataDir)).toBe("0700");
      for (const file of ["aims.db", "aims.db-wal", "aims.db-shm"])
        expect(`${file} ${mode(join(dataDir, file))}`).toBe(`${file} 0600`);
      await store.close();
      chmodSync(join(dataDir, "aims.db"), 0o644);
      writeFileSync(join(dataDir, "aims.db-wal"), "");
      chmodSync(join(dataDir, "aims.db-wal"), 0o644);
      const reopened = await openStore({ databaseUrl, dataDir });
      expect(mode(join(dataDir, "aims.db"))).toBe("0600");
      expect(mode(join(dataDir, "aims.db-wal"))).toBe("0600");
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!iptablesRuns())("containers cannot reach host services (finding 12)", () => {
  const chainExisted = chainRules(AIMS_CHAIN) !== undefined;
  let listener: Server;
  let port: number;
  let one: InstanceJson;
  let pool: string;

  /** Asks the node-api `front` of the instance to GET a URL from inside its container. */
  const fetchFrom = async (url: string): Promise<{ status?: number; body?: string; error?: string }> =>
    JSON.parse((await get(`${one.url}fetch?url=${encodeURIComponent(url)}`, 10_000)).body);

  const gateways = async () => {
    const { networks } = await objectsWithLabel(`aims.instance=${one.id}`);
    const network = await docker.getNetwork(networks[0]!.Id).inspect();
    const own = (network.IPAM?.Config ?? [])[0]?.Gateway as string;
    return [own, await hostAddressForContainers()];
  };

  beforeAll(async () => {
    listener = createServer((_req, res) => res.end("the host answered"));
    await new Promise<void>((done) => listener.listen(0, "0.0.0.0", done));
    port = (listener.address() as AddressInfo).port;
    const pools = (await docker.info()).DefaultAddressPools as Array<{ Base: string }> | undefined;
    pool = pools?.[0]?.Base ?? "10.210.0.0/16";
    one = await install.json<InstanceJson>(["deploy", "pair", "--tenant", "fw", "--name", "one"]);
  });
  afterAll(async () => {
    await new Promise<void>((done) => listener.close(() => done()));
    // Leave the host as this file found it.
    if (!chainExisted) removeChain(AIMS_CHAIN);
  });

  it("drops a container's traffic to a listener on 0.0.0.0 through its gateway; its own services still answer", async () => {
    // A reconcile tick installs the rules when they are missing (scripts/setup-host.sh installs them first).
    const tick = await install.run(["reconcile"]);
    expect(tick.code, tick.stderr).toBe(0);
    for (const gateway of await gateways()) {
      const r = await fetchFrom(`http://${gateway}:${port}/`);
      expect(r.status, `reached the host at ${gateway}:${port}`).toBeUndefined();
      expect(r.error).toBeTruthy();
    }
    const back = await fetchFrom("http://back:3000/");
    expect(back.status).toBe(200);
  });

  it("the reconciler puts the rules back when they are gone, and aims doctor checks them", async () => {
    removeChain(AIMS_CHAIN);
    const [gateway] = await gateways();
    expect((await fetchFrom(`http://${gateway}:${port}/`)).status).toBe(200);
    const doctorBefore = JSON.parse((await install.run(["doctor", "--json"])).stdout) as Array<{
      name: string;
      ok: boolean;
      detail: string;
    }>;
    expect(doctorBefore.find((c) => c.name === "firewall")).toMatchObject({ ok: false });
    const r = await install.run(["reconcile"]);
    expect(r.code, r.stderr).toBe(0);
    expect(inputJumpsTo(AIMS_CHAIN)).toBe(true);
    expect(chainRules(AIMS_CHAIN)).toContain(`-A ${AIMS_CHAIN} -s ${pool} -j DROP`);
    expect((await fetchFrom(`http://${gateway}:${port}/`)).status).toBeUndefined();
    const doctor = JSON.parse((await install.run(["doctor", "--json"])).stdout) as typeof doctorBefore;
    expect(doctor.find((c) => c.name === "firewall")).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`AIMS-INPUT drops traffic from ${pool}`),
    });
  });

  it("aims firewall install is idempotent: one jump, the same rules", async () => {
    const before = chainRules(AIMS_CHAIN);
    for (const _ of [1, 2]) {
      const r = await install.run(["firewall", "install"]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(chainRules(AIMS_CHAIN)).toEqual(before);
    expect((chainRules("INPUT") ?? []).filter((l) => l === `-A INPUT -j ${AIMS_CHAIN}`)).toHaveLength(1);
    const removed = await install.run(["firewall", "remove"]);
    expect(removed.stdout).toMatch(/removed the AIMS-INPUT chain/);
    expect(chainRules(AIMS_CHAIN)).toBeUndefined();
    expect(inputJumpsTo(AIMS_CHAIN)).toBe(false);
    if (chainExisted) expect((await install.run(["firewall", "install"])).code).toBe(0);
  });
});

describe("punycode names are refused (finding 13)", () => {
  it.each([
    ["--tenant", "xn--80ak6aa92e", "--name", "web"],
    ["--tenant", "puny", "--name", "xn--pple-43d"],
  ])("deploy %s %s %s %s", async (...args) => {
    const r = await install.run(["deploy", "static-site", ...args, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must not start with xn--/);
  });
});

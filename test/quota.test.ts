import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CliResult,
  createTestInstall,
  installationId,
  objectsWithLabel,
  openDb,
  rowCounts,
  withoutProgress,
} from "./support/aimsCli.js";
import { get } from "./support/http.js";
import { containersOf, type InstanceJson } from "./support/instances.js";

/**
 * Plans and quotas on the real engine through the real CLI (ports 54000-54099): one install whose config adds a
 * plan of its own (`small`) and gives `team` other default resources, as an operator's config.yaml would.
 */
const MiB = 1024 ** 2;
const CONFIG = `
plans:
  team:
    defaultResources: { cpu: 0.75, memory: 192m, pids: 128 }
  small:
    title: Small
    price: { monthly: 1, currency: USD }
    limits:
      instances: 1
      volumes: 2
      replicasPerService: 1
      perInstance: { cpu: 0.5, memory: 128m, pids: 256 }
      total: { cpu: 0.5, memory: 120m, pids: 256 }
    defaultResources: { cpu: 0.25, memory: 96m, pids: 64 }
    features: { customDomains: false, backups: false, autoscaling: false, approvalsOff: false, export: false }
    apiRequestsPerMinute: 60
    llmTokensPerMonth: 0
    buildMinutesPerMonth: 0
`;
const install = await createTestInstall("54000-54099", {
  AIMS_CATALOG_DIRS: resolve(import.meta.dirname, "fixtures/quota-catalog"),
});
writeFileSync(join(install.dataDir, "config.yaml"), CONFIG);
/** The same install's config with the host given 64m of memory (capacity.memoryBytes). */
const smallHostDir = mkdtempSync(join(tmpdir(), "aims-quota-host-"));
const SMALL_HOST = join(smallHostDir, "config.yaml");
writeFileSync(SMALL_HOST, `${CONFIG}\ncapacity:\n  memoryBytes: 64m\n`);
afterAll(async () => {
  await install.cleanup();
  rmSync(smallHostDir, { recursive: true, force: true });
});

const deploy = (plug: string, tenant: string, name: string, env: Record<string, string> = {}) =>
  install.run(["deploy", plug, "--tenant", tenant, "--name", name], env);
const deployed = async (plug: string, tenant: string, name: string) =>
  install.json<InstanceJson>(["deploy", plug, "--tenant", tenant, "--name", name]);

function expectRefused(r: CliResult, code: number, message: string | RegExp): void {
  expect(r.code, `${r.stdout}${r.stderr}`).toBe(code);
  expect(withoutProgress(r.stderr).trim()).toMatch(
    typeof message === "string"
      ? `aims: ${code === 5 ? "quota_exceeded" : "unavailable"}: ${message}`
      : message,
  );
}

/** Everything this install has made: rows of the tables a refused deploy must not touch, and Docker objects. */
async function world() {
  const { containers, networks, volumes } = await objectsWithLabel(
    `aims.installation=${installationId(install.dataDir)}`,
  );
  return {
    rows: rowCounts(install.dataDir),
    containers: containers.map((c) => c.Names[0]).sort(),
    networks: networks.length,
    volumes: volumes.length,
  };
}

async function limitsOf(instanceId: string) {
  const [container] = await containersOf(instanceId);
  const { NanoCpus, Memory, PidsLimit } = container!.HostConfig;
  return { NanoCpus, Memory, PidsLimit };
}

describe("quotas of a tenant's plan", () => {
  let one: InstanceJson;

  beforeAll(async () => {
    one = await deployed("static-site", "acme", "one");
    await deployed("static-site", "acme", "two");
    const moved = await install.json<{ plan: string }>(["tenant", "plan", "acme", "starter"]);
    expect(moved.plan).toBe("starter");
  });

  it("refuses a starter tenant's third instance (exit 5) naming the limit, and creates nothing", async () => {
    const before = await world();
    const r = await deploy("static-site", "acme", "three");
    expectRefused(
      r,
      5,
      "tenant acme is on plan starter, which allows 2 instances; it has 2 (one, two). Remove one (aims rm), or move the tenant to a bigger plan: aims tenant plan acme team (operator)",
    );
    const json = await install.run([
      "deploy",
      "static-site",
      "--tenant",
      "acme",
      "--name",
      "three",
      "--json",
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "quota_exceeded" } });
    expect(await world()).toEqual(before);
  });

  it("shows the plan, its limits and the use in aims tenant show", async () => {
    const show = await install.run(["tenant", "show", "acme"]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^tenant acme \(active\), plan starter\n {2}instances {2}2 of 2\n/);
    expect(show.stdout).toMatch(/memory {5}128m of 2g/);
    const report = await install.json<{ usage: Record<string, unknown> }>(["tenant", "show", "acme"]);
    expect(report.usage).toMatchObject({
      plan: "starter",
      instances: { used: 2, limit: 2 },
      cpu: { used: 0.5, limit: 2 },
      memory: { used: 128 * MiB, limit: 2048 * MiB },
      over: [],
    });
  });

  it("gives containers the limits of the spec: declared ones as they are, the plan's defaults where a plug declares none", async () => {
    expect(await limitsOf(one.id)).toEqual({ NanoCpus: 0.25e9, Memory: 64 * MiB, PidsLimit: 64 });
    // A new tenant is on the default plan, team, whose defaultResources this install's config.yaml replaces.
    const bare = await deployed("plain-site", "bare", "web");
    expect(await limitsOf(bare.id)).toEqual({ NanoCpus: 0.75e9, Memory: 192 * MiB, PidsLimit: 128 });
  });

  it("refuses a downgrade below the use unless --force, which keeps what runs and refuses growth", async () => {
    expectRefused(
      await install.run(["tenant", "plan", "acme", "small"]),
      5,
      "tenant acme uses more than plan small allows: 2 instances (allows 1); 128m of memory in total to instances meant to run (allows 120m of memory). Remove or stop what is over first, or force the change: aims tenant plan acme small --force (what runs keeps running; growth is refused until the tenant is within the plan)",
    );
    const forced = await install.json<{ plan: string }>(["tenant", "plan", "acme", "small", "--force"]);
    expect(forced.plan).toBe("small");
    const report = await install.json<{ usage: { over: string[] } }>(["tenant", "show", "acme"]);
    expect(report.usage.over).toEqual(["instances", "total.memory"]);
    // What runs keeps running.
    expect((await get(one.url)).status).toBe(200);

    // Growth is refused: one more instance, a bigger limit, more replicas.
    expectRefused(
      await deploy("static-site", "acme", "three"),
      5,
      /which allows 1 instance; it has 2 \(one, two\)/,
    );
    expectRefused(
      await install.run(["update", "one", "--tenant", "acme", "--memory", "200m"]),
      5,
      "tenant acme is on plan small, which allows 128m of memory per instance; one would be given 200m of memory. Ask for less, or move the tenant to a bigger plan: aims tenant plan acme starter (operator)",
    );
    expectRefused(
      await install.run(["scale", "one", "--tenant", "acme", "--replicas", "2"]),
      5,
      /which allows 1 replica per service; one would run 2 replicas of service web/,
    );
    expect(await limitsOf(one.id)).toEqual({ NanoCpus: 0.25e9, Memory: 64 * MiB, PidsLimit: 64 });

    // Stopping is not growth; starting again is, and is checked like a deploy.
    const stopped = await install.run(["stop", "two", "--tenant", "acme"]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expectRefused(
      await install.run(["start", "two", "--tenant", "acme"]),
      5,
      /allows 120m of memory in total to instances meant to run; they are given 64m of memory \(one 64m\) and starting two needs 64m of memory more/,
    );
  });

  it("refuses a deploy past the host's capacity with its numbers (503, exit 6), creating nothing", async () => {
    const before = await world();
    const r = await deploy("static-site", "roomy", "web", { AIMS_CONFIG: SMALL_HOST });
    expectRefused(
      r,
      6,
      /^aims: unavailable: host capacity: instances meant to run are given \d+m of 96m \(64m × 1\.5\); this deploy needs 64m more\. Stop or remove instances, or the operator raises capacity\.memoryOvercommit in config\.yaml \(docs\/plans\.md\)$/,
    );
    expect(await world()).toEqual(before);
  });

  it("lets exactly one of two concurrent deploys take a starter tenant's last slot", async () => {
    // bare runs one instance (plain-site, deployed above): on starter, one slot is left.
    await install.json(["tenant", "plan", "bare", "starter"]);
    const results = await Promise.all([
      deploy("static-site", "bare", "a"),
      deploy("static-site", "bare", "b"),
    ]);
    expect(results.map((r) => r.code).sort(), results.map((r) => r.stderr).join("\n")).toEqual([0, 5]);
    const loser = results.find((r) => r.code === 5)!;
    expect(withoutProgress(loser.stderr)).toMatch(/which allows 2 instances; it has 2 \((a|b), web\)/);
    const db = openDb(install.dataDir);
    try {
      const live = db
        .prepare(
          "select count(*) as n from instances i join tenants t on t.id = i.tenant_id where t.name = 'bare' and i.removed_at is null",
        )
        .get() as { n: number };
      expect(live.n).toBe(2);
    } finally {
      db.close();
    }
  });
});

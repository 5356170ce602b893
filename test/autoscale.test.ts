import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, objectsWithLabel, openDb, type TestInstall } from "./support/aimsCli.js";
import { psOne } from "./support/instances.js";

/**
 * Issue 19's autoscaling acceptance on the real engine: a stateless plug whose replicas burn their CPU limit while
 * the test says so scales up one replica per cooldown to its policy's max, no further, and back down to min when
 * the load stops, each step an event with its numbers; under the approval policy `all` the scale-up is an approval
 * request and nothing changes until a person approves it. `aims serve` runs the autoscaler with durations of
 * seconds (samples every 500 ms, a 2 s window, 2 s cooldowns).
 */
const ROOT = resolve(import.meta.dirname, "..");
let install: TestInstall;
let serve: ChildProcess | undefined;
let output = "";

interface PolicyJson {
  instance: string;
  service: string;
  replicas: number;
  min: number;
  max: number;
  pendingApproval: string | null;
  lastDecision: { action: string; to: number; reason: string } | null;
}
interface EventJson {
  type: string;
  subject: string | null;
  data: Record<string, unknown>;
}

beforeAll(async () => {
  install = await createTestInstall("58500-58549", {
    AIMS_CATALOG_DIRS: resolve(import.meta.dirname, "fixtures/autoscale-catalog"),
    AIMS_PROXY: "off",
    AIMS_MONITOR_INTERVAL_MS: "500",
    AIMS_RECONCILE_INTERVAL_MS: "500",
  });
  const configFile = join(install.dataDir, "config.yaml");
  // A plan of the test's own: autoscaling, but room for only two replicas of the burner (0.05 cores each).
  writeFileSync(
    configFile,
    [
      "autoscale: { windowMs: 2000, cooldownMs: 2000 }",
      "plans:",
      "  tight:",
      "    title: Tight",
      "    description: Autoscaling within 0.1 cores per instance.",
      "    price: { monthly: 1, currency: USD }",
      "    limits:",
      "      instances: 2",
      "      volumes: 2",
      "      replicasPerService: 5",
      "      perInstance: { cpu: 0.1, memory: 1g, pids: 1024 }",
      "      total: { cpu: 1, memory: 2g, pids: 2048 }",
      "    defaultResources: { cpu: 0.05, memory: 32m, pids: 64 }",
      "    features: { customDomains: false, backups: false, autoscaling: true, approvalsOff: true, export: false }",
      "    apiRequestsPerMinute: 120",
      "    llmTokensPerMonth: 0",
      "    buildMinutesPerMonth: 0",
      "",
    ].join("\n"),
  );
  install.env.AIMS_CONFIG = configFile;
  for (const [tenant, plan] of [
    ["acme", "business"],
    ["gated", "business"],
    ["small", "starter"],
    ["tight", "tight"],
  ] as const) {
    await install.json(["tenant", "create", tenant, "--plan", plan, "--json"]);
    await install.json(["deploy", "switch-burner", "--tenant", tenant, "--name", "burn", "--no-input"]);
  }
  // acme lets AI actors scale without asking; gated keeps the default, `all`.
  await install.json(["approvals", "policy", "none", "--tenant", "acme", "--json"]);
  await install.json(["approvals", "policy", "none", "--tenant", "tight", "--json"]);
  serve = spawn(process.execPath, [join(ROOT, "dist/cli/main.js"), "serve", "--no-api"], {
    env: { ...process.env, ...install.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  serve.stdout?.on("data", (d) => {
    output += d;
  });
  serve.stderr?.on("data", (d) => {
    output += d;
  });
  for (let i = 0; i < 300 && !/reconciler running/.test(output); i++) await sleep(100);
  expect(output).toMatch(/reconciler running/);
}, 300_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((done) => serve!.once("exit", done));
    serve.kill("SIGTERM");
    await exited;
  }
  await install?.cleanup();
});

/** Running containers of an instance's service. */
async function replicasOf(instanceId: string): Promise<string[]> {
  const { containers } = await objectsWithLabel(`aims.instance=${instanceId}`);
  return containers.filter((c) => c.State === "running").map((c) => c.Id);
}

/** Switches the burner of every running replica on or off (new replicas get it on the next call). */
async function setLoad(instanceId: string, on: boolean): Promise<void> {
  for (const id of await replicasOf(instanceId))
    spawnSync("docker", ["exec", id, "/bin/sh", "-c", on ? "touch /tmp/burn" : "rm -f /tmp/burn"]);
}

const policyOf = async (tenant: string) =>
  (await install.json<PolicyJson[]>(["autoscale", "list", "burn", "--tenant", tenant, "--json"]))[0]!;

/** Keeps the load as it is (on: every replica burns) until `done` holds, polling the policy. */
async function loadUntil(
  instanceId: string,
  tenant: string,
  on: boolean,
  done: (p: PolicyJson) => boolean,
  what: string,
): Promise<PolicyJson> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await setLoad(instanceId, on);
    const policy = await policyOf(tenant);
    if (done(policy)) return policy;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(policy)}\n${output}`);
    await sleep(300);
  }
}

async function autoscaleEvents(tenant: string): Promise<EventJson[]> {
  const r = await install.run(["events", "--tenant", tenant, "--type", "autoscale.", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventJson);
}

const set = (tenant: string, extra: string[]) =>
  install.run(["autoscale", "set", "burn", "--tenant", tenant, "--service", "web", ...extra]);

describe("autoscale policies", () => {
  it("are refused on a plan without autoscaling and past the plan's replicas per service", async () => {
    const starter = await set("small", ["--min", "1", "--max", "2", "--cpu", "70"]);
    expect(starter.code).toBe(7);
    expect(starter.stderr).toMatch(/plan starter of tenant small does not include autoscaling/);
    const tooMany = await set("acme", ["--min", "1", "--max", "11", "--cpu", "70"]);
    expect(tooMany.code).toBe(5);
    expect(tooMany.stderr).toMatch(/max 11 is above plan business's 10 replicas per service/);
    const badTarget = await set("acme", ["--min", "1", "--max", "3", "--cpu", "170"]);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/--cpu must be a percentage of the limit from 1 to 100/);
    const inverted = await set("acme", ["--min", "3", "--max", "2", "--cpu", "70"]);
    expect(inverted.code).toBe(2);
    expect(inverted.stderr).toMatch(/--max must be at least min/);
    expect(await install.json(["autoscale", "list", "--tenant", "acme", "--json"])).toEqual([]);
  });
});

describe("the autoscaler", () => {
  it("under approval policy all, asks to scale up and changes nothing until a person approves", async () => {
    const instance = (await psOne(install, "gated", "burn"))!;
    expect((await set("gated", ["--min", "1", "--max", "2", "--cpu", "70", "--cooldown", "2"])).code).toBe(0);
    const waiting = await loadUntil(
      instance.id,
      "gated",
      true,
      (p) => p.pendingApproval !== null,
      "an approval",
    );
    expect(waiting.replicas).toBe(1);
    const pending = await install.json<
      Array<{ id: string; tool: string; args: unknown; requestedBy: string }>
    >(["approvals", "list", "--tenant", "gated", "--status", "pending", "--json"]);
    expect(pending).toEqual([
      expect.objectContaining({
        id: waiting.pendingApproval,
        tool: "instance.scale",
        args: { instance: "burn", service: "web", replicas: 2 },
        requestedBy: "autoscaler",
      }),
    ]);
    // Several cooldowns under load later: still one request, still one replica.
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      await setLoad(instance.id, true);
      await sleep(500);
    }
    expect((await policyOf("gated")).replicas).toBe(1);
    expect(await replicasOf(instance.id)).toHaveLength(1);
    expect(
      await install.json<unknown[]>([
        "approvals",
        "list",
        "--tenant",
        "gated",
        "--status",
        "pending",
        "--json",
      ]),
    ).toHaveLength(1);
    const asked = (await autoscaleEvents("gated")).filter((e) => e.type === "autoscale.approval_requested");
    expect(asked).toHaveLength(1);
    expect(asked[0]!.data).toMatchObject({ from: 1, to: 2, approval: waiting.pendingApproval });
    expect(asked[0]!.data.cpuPercent).toBeGreaterThan(70);

    const approve = await install.run([
      "approvals",
      "approve",
      waiting.pendingApproval!,
      "--tenant",
      "gated",
    ]);
    expect(approve.code, approve.stderr).toBe(0);
    expect((await policyOf("gated")).replicas).toBe(2);
    expect(await replicasOf(instance.id)).toHaveLength(2);
    // A step down frees resources: it does not wait for a person.
    const down = await loadUntil(instance.id, "gated", false, (p) => p.replicas === 1, "the step down");
    expect(down.pendingApproval).toBeNull();
  }, 120_000);

  it("scales up to max under load, no further, and back down to min when the load stops", async () => {
    const instance = (await psOne(install, "acme", "burn"))!;
    const policy = await set("acme", ["--min", "1", "--max", "3", "--cpu", "70", "--cooldown", "2"]);
    expect(policy.code, policy.stderr).toBe(0);
    expect(policy.stdout).toMatch(/autoscaling burn\/web: 1-3 replicas, CPU 70%, cooldown 2 s \(now 1\)/);
    await loadUntil(instance.id, "acme", true, (p) => p.replicas === 3, "3 replicas");
    // Held at max for several more cooldowns under load.
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      await setLoad(instance.id, true);
      await sleep(500);
    }
    expect((await policyOf("acme")).replicas).toBe(3);
    expect(await replicasOf(instance.id)).toHaveLength(3);
    const ups = (await autoscaleEvents("acme")).filter((e) => e.type === "autoscale.scaled_up");
    expect(ups.map((e) => [e.data.from, e.data.to])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    for (const e of ups) {
      expect(e.subject).toBe(instance.id);
      expect(e.data).toMatchObject({ service: "web", cpuTarget: 70, max: 3, planMax: 10 });
      expect(e.data.cpuPercent).toBeGreaterThan(70);
    }

    const down = await loadUntil(instance.id, "acme", false, (p) => p.replicas === 1, "1 replica");
    expect(down.lastDecision).toMatchObject({ action: "down", to: 1 });
    // The policy says 1 once the step is decided; the replica it drops is stopped (gracefully) just after.
    await expect.poll(async () => (await replicasOf(instance.id)).length, { timeout: 30_000 }).toBe(1);
    const events = await autoscaleEvents("acme");
    const downs = events.filter((e) => e.type === "autoscale.scaled_down");
    expect(downs.map((e) => [e.data.from, e.data.to])).toEqual([
      [3, 2],
      [2, 1],
    ]);
    for (const e of downs) expect(e.data.cpuPercent).toBeLessThan(35);
    const table = await install.run(["autoscale", "list", "--tenant", "acme"]);
    expect(table.stdout).toMatch(/^INSTANCE\s+SERVICE\s+REPLICAS\s+POLICY\s+LAST STEP/);
    expect(table.stdout).toMatch(/burn\s+web\s+1\s+1-3 replicas, CPU 70%, cooldown 2 s\s+down to 1 at /);
    // Every step is audited with the autoscaler as its actor.
    const db = openDb(install.dataDir);
    try {
      const audited = db
        .prepare(
          "select actor, action from audit_entries where action like 'autoscale.scaled_%' order by rowid",
        )
        .all() as Array<{ actor: string; action: string }>;
      expect(audited.filter((a) => a.actor === "autoscaler").map((a) => a.action)).toEqual(
        expect.arrayContaining(["autoscale.scaled_up", "autoscale.scaled_down"]),
      );
    } finally {
      db.close();
    }
    expect(events.some((e) => e.type === "autoscale.refused")).toBe(false);
  }, 120_000);

  it("stops at the plan's limit: a step the quota refuses is an event, retried at most once per cooldown", async () => {
    const instance = (await psOne(install, "tight", "burn"))!;
    const policy = await set("tight", ["--min", "1", "--max", "3", "--cpu", "70", "--cooldown", "2"]);
    expect(policy.code, policy.stderr).toBe(0);
    await loadUntil(instance.id, "tight", true, (p) => p.replicas === 2, "2 replicas");
    const refusedEvents = async () =>
      (await autoscaleEvents("tight")).filter((e) => e.type === "autoscale.refused");
    const deadline = Date.now() + 60_000;
    while (!(await refusedEvents()).length) {
      if (Date.now() > deadline) throw new Error(`no refusal:\n${output}`);
      await setLoad(instance.id, true);
      await sleep(300);
    }
    const [first] = await refusedEvents();
    expect(first!.data).toMatchObject({ from: 2, to: 3 });
    expect(String(first!.data.error)).toMatch(/plan tight/);
    // Six more seconds under load (a dozen reconcile ticks, three cooldowns): still 2 replicas.
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      await setLoad(instance.id, true);
      await sleep(500);
    }
    expect((await policyOf("tight")).replicas).toBe(2);
    expect(await replicasOf(instance.id)).toHaveLength(2);
    // Retried, but never twice within a cooldown (2 s) of the last try: no retry storm.
    const tries = (await refusedEvents()).map((e) => Date.parse(String(e.data.decidedAt)));
    expect(tries.length).toBeGreaterThan(1);
    for (let i = 1; i < tries.length; i++) expect(tries[i]! - tries[i - 1]!).toBeGreaterThanOrEqual(2000);
    expect((await policyOf("tight")).lastDecision).toMatchObject({ action: "refused", to: 3 });
    await setLoad(instance.id, false);
  }, 120_000);
});

import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker, objectsWithLabel, type TestInstall } from "./support/aimsCli.js";
import { get } from "./support/http.js";
import { createTestDatabase, type TestDatabase } from "./support/testStore.js";

/**
 * `aims store migrate-to`: a SQLite install with an instance running moves to PostgreSQL, and `aims serve` on
 * PostgreSQL reconciles the same containers without touching them; then the deploy-to-remove path on PostgreSQL.
 */
const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");
let install: TestInstall;
let database: TestDatabase;
let pgEnv: Record<string, string>;
let serve: ChildProcess | undefined;

interface InstanceJson {
  id: string;
  name: string;
  state: string;
  url: string;
}

beforeAll(async () => {
  install = await createTestInstall("55050-55069", { AIMS_PROXY: "off" });
  database = await createTestDatabase(install.dataDir, "postgres");
  pgEnv = { AIMS_DATABASE_URL: database.databaseUrl };
});
afterAll(async () => {
  await stopServe();
  await install.cleanup();
  await database.drop();
});

/** Starts `aims serve` (reconciler only) and waits for its first tick. */
async function startServe(env: Record<string, string> = {}): Promise<string> {
  let output = "";
  const child = spawn(process.execPath, [CLI, "serve", "--no-api"], {
    env: { ...process.env, ...install.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  serve = child;
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 300 && !/reconciler running/.test(output) && child.exitCode === null; i++)
    await sleep(100);
  if (!/reconciler running/.test(output)) throw new Error(`aims serve did not start: ${output}`);
  return output;
}

async function stopServe(): Promise<void> {
  const child = serve;
  serve = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await exited;
}

/** Each container of the instance: its id and when it last started. */
async function containersOf(instanceId: string) {
  const { containers } = await objectsWithLabel(`aims.instance=${instanceId}`);
  return Promise.all(
    containers.map(async (c) => ({
      id: c.Id,
      startedAt: (await docker.getContainer(c.Id).inspect()).State.StartedAt,
    })),
  );
}

describe("aims store migrate-to", () => {
  let web: InstanceJson;

  it("copies a SQLite install with a running instance; serve on PostgreSQL adopts its containers untouched", async () => {
    web = await install.json<InstanceJson>([
      "deploy",
      "static-site",
      "--tenant",
      "acme",
      "--name",
      "web",
      "--wait",
    ]);
    expect(web.state).toBe("ready");
    const before = await containersOf(web.id);
    expect(before).toHaveLength(1);
    const chain = await install.json<{ length: number; headHash: string }>(["audit", "verify"]);

    await startServe();
    const refused = await install.run(["store", "migrate-to", database.databaseUrl]);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(/^aims: conflict: aims serve is running \(pid \d+\): stop it/);
    await stopServe();

    const migrated = await install.run(["store", "migrate-to", database.databaseUrl, "--json"]);
    expect(migrated.code, migrated.stderr).toBe(0);
    const report = JSON.parse(migrated.stdout);
    expect(report.rows).toMatchObject({ tenants: 1, instances: 1, allocations: 1 });
    expect(report.audit).toMatchObject({ ok: true, length: chain.length, headHash: chain.headHash });
    expect(report.config).toMatch(
      /^databaseUrl: postgres:\/\/aims_test_\w+:<password>@127\.0\.0\.1:\d+\/aims_test_\w+$/,
    );
    expect(migrated.stdout).not.toContain(new URL(database.databaseUrl).password);
    // The copy verifies on its own, with the same head.
    expect(await install.json(["audit", "verify"], pgEnv)).toMatchObject({
      ok: true,
      headHash: chain.headHash,
    });

    const started = await startServe(pgEnv);
    expect(started).toMatch(/\(1 instance\(s\)/);
    const [listed] = await install.json<InstanceJson[]>(["ps", "--tenant", "acme"], pgEnv);
    expect(listed).toMatchObject({ id: web.id, name: "web", state: "ready" });
    await stopServe();
    // Same containers, never restarted: serve on PostgreSQL saw them as its own (same installation id).
    expect(await containersOf(web.id)).toEqual(before);
    expect((await get(web.url)).status).toBe(200);

    const doctor = await install.json<Array<{ name: string; ok: boolean; detail: string }>>(
      ["doctor"],
      pgEnv,
    );
    expect(doctor.find((c) => c.name === "store")).toMatchObject({
      ok: true,
      detail: expect.stringMatching(
        /^PostgreSQL \d+\.\d+ at postgres:\/\/aims_test_\w+@127\.0\.0\.1:\d+\/\w+: \d+ migrations, up to date/,
      ),
    });
  });

  it("deploys, serves and removes on PostgreSQL", async () => {
    const blog = await install.json<InstanceJson>(
      ["deploy", "static-site", "--tenant", "acme", "--name", "blog", "--wait"],
      pgEnv,
    );
    expect(blog.state).toBe("ready");
    expect((await get(blog.url)).status).toBe(200);
    for (const name of ["blog", "web"]) {
      const removed = await install.run(["rm", name, "--tenant", "acme", "--yes"], pgEnv);
      expect(removed.code, removed.stderr).toBe(0);
    }
    expect(await install.json(["ps", "--tenant", "acme"], pgEnv)).toEqual([]);
    for (const id of [blog.id, web.id])
      expect((await objectsWithLabel(`aims.instance=${id}`)).containers).toEqual([]);
    const chain = await install.json<{ ok: boolean; length: number }>(["audit", "verify"], pgEnv);
    expect(chain.ok).toBe(true);
    // The SQLite file was left as it was: it still knows only the first instance.
    const [old] = await install.json<InstanceJson[]>(["ps", "--tenant", "acme"]);
    expect(old).toMatchObject({ id: web.id });
  });
});

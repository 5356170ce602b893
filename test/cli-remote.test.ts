import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, createTestInstall, openDb, withoutProgress } from "./support/aimsCli.js";
import { freePort, get } from "./support/http.js";
import type { InstanceJson } from "./support/instances.js";

/**
 * CLI remote mode against a real `aims serve` (ports 52550-52599): the CLI with AIMS_URL + AIMS_API_KEY and an
 * empty data dir of its own must print what the host's CLI prints for the same operation, and touch nothing local.
 */
const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");
const host = await createTestInstall("52550-52599");
const clientDir = mkdtempSync(join(tmpdir(), "aims-remote-client-"));
let serve: ChildProcess;
let serveOutput = "";
let url = "";
let remoteEnv: Record<string, string>;
/** `-f` commands: ended in afterAll too, so a failed test leaves no follower reconnecting forever. */
const followers: ChildProcess[] = [];

async function startServe(apiPort: string): Promise<void> {
  serveOutput = "";
  serve = spawn(process.execPath, [CLI, "serve"], {
    env: { ...process.env, ...host.env, AIMS_API_PORT: apiPort },
    stdio: ["ignore", "pipe", "pipe"],
  });
  serve.stdout!.on("data", (d) => {
    serveOutput += d;
  });
  serve.stderr!.on("data", (d) => {
    serveOutput += d;
  });
  for (let i = 0; i < 150 && !/API at (http:\/\/\S+) /.test(serveOutput); i++) await sleep(100);
  const found = /API at (http:\/\/\S+) /.exec(serveOutput)?.[1];
  if (!found) throw new Error(`aims serve did not start: ${serveOutput}`);
  url = found;
}

async function stopServe(): Promise<void> {
  if (serve.exitCode !== null) return;
  const exited = new Promise((done) => serve.once("exit", done));
  serve.kill("SIGTERM");
  await exited;
}

/** The CLI in remote mode: the host's API, this test's empty data dir. */
const remote = (args: string[], env: Record<string, string> = {}) => host.run(args, { ...remoteEnv, ...env });
/** The CLI on the host, on the data dir `aims serve` uses. */
const local = (args: string[]) => host.run(args);

async function remoteJson<T>(args: string[]): Promise<T> {
  const r = await remote([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/**
 * The same command in both modes (at once: only for commands that change nothing): same exit code and output,
 * progress lines aside (remote mode says what it waits for rather than each step).
 */
async function expectSame(args: string[]): Promise<CliResult> {
  const [there, here] = await Promise.all([remote(args), local(args)]);
  expect(
    { code: there.code, stdout: there.stdout, stderr: withoutProgress(there.stderr) },
    args.join(" "),
  ).toEqual({
    code: here.code,
    stdout: here.stdout,
    stderr: withoutProgress(here.stderr),
  });
  return there;
}

/**
 * expectSame for output that may grow between the two reads (logs: AIMS's own health probes write lines too):
 * read both again while they differ, a few times; a real difference stays and fails.
 */
async function expectSameOutput(args: string[]): Promise<CliResult> {
  for (let attempt = 1; ; attempt++) {
    const [there, here] = await Promise.all([remote(args), local(args)]);
    if (there.code === here.code && there.stdout === here.stdout) return there;
    if (attempt === 4) {
      expect({ code: there.code, stdout: there.stdout }, args.join(" ")).toEqual({
        code: here.code,
        stdout: here.stdout,
      });
      return there;
    }
  }
}

/** Keys of a JSON value, recursively (arrays by their first item). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value === null || typeof value !== "object") return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, shape(v)]),
  );
}

beforeAll(async () => {
  await startServe("0");
  const apiKey = readFileSync(join(host.dataDir, "operator.key"), "utf8").trim();
  remoteEnv = { AIMS_URL: url, AIMS_API_KEY: apiKey, AIMS_DATA_DIR: clientDir };
  const created = await fetch(`${url}/v1/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "remote" }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  for (const child of followers) if (child.exitCode === null) child.kill("SIGKILL");
  if (serve && serve.exitCode === null) serve.kill("SIGKILL");
  await host.cleanup();
  rmSync(clientDir, { recursive: true, force: true });
});

describe("aims CLI in remote mode (AIMS_URL + AIMS_API_KEY)", () => {
  let web: InstanceJson;

  it("browses the catalog like the host", async () => {
    await Promise.all([
      expectSame(["catalog", "list"]),
      expectSame(["catalog", "list", "--category", "database", "--search", "vector", "--json"]),
      expectSame(["catalog", "show", "static-site"]),
      expectSame(["catalog", "show", "static-site", "--json"]),
    ]);
  });

  it("plans and deploys with --set like the host, and the instance answers", async () => {
    const deploy = [
      "deploy",
      "static-site",
      "--tenant",
      "remote",
      "--name",
      "web",
      "--set",
      "SITE_TITLE=Remote site",
    ];
    const dryRun = [...deploy, "--dry-run"];
    await Promise.all([expectSame(dryRun), expectSame([...dryRun, "--json"])]);
    web = await remoteJson<InstanceJson>(deploy);
    expect(web.state).toBe("ready");
    expect((await get(`${web.url}cgi-bin/info`)).body).toContain("title: Remote site");
    // The same deploy again converges (reused) and answers the same instance, in both modes.
    const again = await local([...deploy, "--json"]);
    expect(shape(web)).toEqual(shape(JSON.parse(again.stdout)));
    expect(web).toEqual(JSON.parse(again.stdout));
    await expectSame(deploy);
  });

  it("lists, shows logs and events like the host", async () => {
    const [logs] = await Promise.all([
      expectSameOutput(["logs", "web", "--tenant", "remote", "--tail", "20"]),
      expectSame(["ps"]),
      expectSame(["ps", "--tenant", "remote", "--json"]),
      expectSame(["events", "--tenant", "remote"]),
      expectSame(["events", "--tenant", "remote", "--type", "instance.rea", "--json"]),
    ]);
    expect(logs.stdout).toMatch(/web-1 \| .*GET \/cgi-bin\/info/);
  });

  it("stops, starts, restarts, suspends, resumes, scales and updates like the host", async () => {
    const verbs = {
      stop: "stopped",
      start: "started",
      restart: "restarted",
      suspend: "suspended",
      resume: "resumed",
    };
    for (const [action, verb] of Object.entries(verbs)) {
      const r = await remote([action, "web", "--tenant", "remote"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.startsWith(`${verb}: remote/web (static-site 1.0.0, revision 1) is `), r.stdout).toBe(
        true,
      );
      // The host repeating it changes nothing and says so.
      if (action === "stop" || action === "suspend")
        expect((await local([action, "web", "--tenant", "remote"])).stdout).toBe(`already ${r.stdout}`);
    }
    await expectSame(["resume", "web", "--tenant", "remote"]); // already running: exit 0
    const scaled = await remote(["scale", "web", "--tenant", "remote", "--replicas", "2"]);
    expect(scaled.stdout).toMatch(
      /^scaled: remote\/web .* is ready\n( {2}url: .*\n)?( {2}web\/http: \S+\n){2}$/,
    );
    expect((await local(["scale", "web", "--tenant", "remote", "--replicas", "2"])).stdout).toBe(
      scaled.stdout,
    );
    const updated = await remoteJson<InstanceJson>([
      "update",
      "web",
      "--tenant",
      "remote",
      "--memory",
      "96m",
    ]);
    expect(updated.revision).toBe(web.revision + 1);
    await Promise.all([
      expectSame(["update", "web", "--tenant", "remote", "--memory", "96m"]), // nothing to update
      expectSame(["ps", "--tenant", "remote"]),
    ]);
    web = updated;
  });

  it("follows logs and events (-f); events resume after the server restarts, none lost or repeated", async () => {
    const follow = (args: string[]) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...process.env, ...host.env, ...remoteEnv },
      });
      followers.push(child);
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        err += d;
      });
      return { child, out: () => out, err: () => err };
    };
    const until = async (what: string, done: () => boolean) => {
      for (let i = 0; i < 100 && !done(); i++) await sleep(100);
      if (!done()) throw new Error(`timed out waiting for ${what}`);
    };
    const logs = follow(["logs", "web", "--tenant", "remote", "-f", "--tail", "0"]);
    const events = follow(["events", "--tenant", "remote", "-f", "--json"]);
    await until("the stored events", () => events.out().includes("\n"));
    // --tail 0 prints only lines written after the follower attached, which nothing shows: ask until one
    // arrives, from whichever of the two replicas web.url reaches.
    const followed = () => /web-\d+ \| .*GET \/cgi-bin\/info/.test(logs.out());
    for (let i = 0; i < 50 && !followed(); i++) {
      await get(`${web.url}cgi-bin/info?followed`);
      await sleep(200);
    }
    await until("the followed log line", followed);

    const port = new URL(url).port;
    await stopServe();
    // Events written while the API is down (the host's CLI beside it) arrive after the reconnect.
    expect((await local(["stop", "web", "--tenant", "remote"])).code).toBe(0);
    expect((await local(["start", "web", "--tenant", "remote"])).code).toBe(0);
    await startServe(port);
    const stored = () => {
      const db = openDb(host.dataDir);
      try {
        return (
          db
            .prepare(
              "select e.seq from events e join tenants t on t.id = e.tenant_id where t.name = 'remote' order by e.seq",
            )
            .all() as Array<{ seq: number }>
        ).map((r) => r.seq);
      } finally {
        db.close();
      }
    };
    const seen = () =>
      events
        .out()
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
    await until("the missed events", () => seen().length >= stored().length);
    events.child.kill("SIGINT");
    logs.child.kill("SIGINT");
    expect(seen()).toEqual(stored());
    expect(events.err()).toMatch(/lost AIMS at .*reconnecting/);
    expect(events.err()).toMatch(/reconnected to AIMS at .*resuming after event \d+/);
  });

  it("removes like the host", async () => {
    const removed = await remote(["rm", "web", "--tenant", "remote", "--yes"]);
    expect(removed.stdout).toBe("removed remote/web: 2 container(s), 1 network(s), 0 volume(s)\n");
    await expectSame(["ps", "--tenant", "remote"]);
    const again = await remote(["rm", "web", "--tenant", "remote", "--yes"]);
    expect(again.code).toBe((await local(["rm", "web", "--tenant", "remote", "--yes"])).code);
    expect(withoutProgress(again.stderr)).toMatch(/^aims: not_found: no instance web/);
  });

  it("fails like the host: unknown plug, bad name, bad input", async () => {
    const [unknown, badName, badJson, noTenant, badCategory] = await Promise.all([
      expectSame(["deploy", "no-such-plug", "--tenant", "remote", "--name", "x"]),
      expectSame(["deploy", "static-site", "--tenant", "remote", "--name", "Bad_Name"]),
      expectSame(["deploy", "static-site", "--tenant", "remote", "--name", "Bad_Name", "--json"]),
      expectSame(["ps", "--tenant", "nobody"]),
      expectSame(["catalog", "list", "--category", "toys"]),
    ]);
    expect(withoutProgress(unknown.stderr)).toMatch(/^aims: not_found: .*no-such-plug/);
    expect([unknown.code, badName.code, badJson.code, noTenant.code, badCategory.code]).toEqual([
      3, 2, 2, 3, 2,
    ]);
    expect(JSON.parse(badJson.stdout).error.code).toBe("invalid_input");
  });

  it("says so when the key is wrong or AIMS is unreachable", async () => {
    const wrongKey = await remote(["ps"], { AIMS_API_KEY: "aims_not-a-key" });
    expect(wrongKey.code).toBe(7);
    expect(wrongKey.stderr).toMatch(/^aims: unauthorized: /);
    expect(wrongKey.stderr).not.toContain("aims_not-a-key");
    const closed = await freePort();
    const unreachable = await remote(["ps", "--json"], { AIMS_URL: `http://127.0.0.1:${closed}` });
    expect(unreachable.code).toBe(6);
    expect(JSON.parse(unreachable.stdout).error).toEqual({
      code: "unavailable",
      message: expect.stringMatching(
        new RegExp(`^cannot reach AIMS at http://127.0.0.1:${closed}: .*ECONNREFUSED`),
      ),
    });
  });

  it("refuses host-only commands, and checks the API in doctor", async () => {
    const hostOnly: Array<[string, string[]]> = [
      ["reconcile", []],
      ["serve", []],
      ["service install", ["--print"]],
      ["images build-local", []],
      ["firewall install", []],
      ["secrets show", ["web", "--tenant", "remote", "--yes-show-secrets"]],
      ["routes", []],
      ["users sessions revoke", ["ada@example.com"]],
    ];
    const [doctor, ...refused] = await Promise.all([
      remote(["doctor"]),
      ...hostOnly.map(([command, args]) => remote([...command.split(" "), ...args])),
    ]);
    refused.forEach((r, i) => {
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: `aims: invalid_input: \`aims ${hostOnly[i]![0]}\` works only on the AIMS host (unset AIMS_URL)\n`,
      });
    });
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toMatch(
      /^ok {4}api .*\nok {4}readiness .*\nok {4}api key +accepted; 1 tenant\(s\) visible: remote\n$/,
    );
  });

  it("never created anything in its own data dir", () => {
    expect(readdirSync(clientDir)).toEqual([]);
  });
});

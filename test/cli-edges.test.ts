import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterPid } from "../src/proxy/nginx/nginxProcess.js";
import { type CliResult, createTestInstall } from "./support/aimsCli.js";
import { writeSelfSignedCertificate } from "./support/certificate.js";
import { freePorts } from "./support/http.js";
import { eventTypes, type InstanceJson, psOne } from "./support/instances.js";

/**
 * Rough edges a user trial found (issue "Lifecycle and CLI fixes"), end to end through the built CLI, in
 * both modes (ports 53850-53899).
 */
const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");
const SLOW_CATALOG = resolve(import.meta.dirname, "fixtures/slow-catalog");
const [PROXY_PORT, TLS_PORT] = (await freePorts(2)) as [number, number];
const certDir = mkdtempSync(join(tmpdir(), "aims-edges-certs-"));
const install = await createTestInstall("53850-53899", {
  AIMS_CATALOG_DIRS: SLOW_CATALOG,
  AIMS_PROXY_PORT: String(PROXY_PORT),
  AIMS_PROXY_TLS_PORT: String(TLS_PORT),
  AIMS_PROXY_CERT_DIR: certDir,
});
const run = (args: string[], env: Record<string, string> = {}) => install.run(args, env);
/** Spawned CLIs: ended in afterAll too, so a failed test leaves none behind. */
const children: ChildProcess[] = [];
let web: InstanceJson;

/** A CLI process whose output is collected as it comes. */
function spawnCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...install.env, ...env } });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(100);
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

/** GET through this install's proxy with a Host header. */
function viaProxy(host: string, path = "/"): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      { host: "127.0.0.1", port: PROXY_PORT, path, headers: { host }, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      },
    );
    req.on("error", fail);
    req.end();
  });
}

/** A request to the instance's own port, so its log has a line naming `marker`. */
async function touch(marker: string): Promise<void> {
  const res = await fetch(`${web.url}cgi-bin/info/${marker}`, { signal: AbortSignal.timeout(5000) });
  await res.text();
}

function expectOk(r: CliResult): void {
  expect(r.code, `${r.stderr}${r.stdout}`).toBe(0);
}

beforeAll(async () => {
  web = await install.json<InstanceJson>(["deploy", "static-site", "--tenant", "edges", "--name", "web"]);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await install.cleanup();
  rmSync(certDir, { recursive: true, force: true });
});

describe("lifecycle: refusals name the command that works; no-ops exit 0", () => {
  it("a suspended instance sends nobody in a circle", async () => {
    expectOk(await run(["suspend", "web", "--tenant", "edges"]));
    for (const action of ["restart", "start"]) {
      const r = await run([action, "web", "--tenant", "edges"]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain("`aims resume web --tenant edges`");
    }
    expectOk(await run(["resume", "web", "--tenant", "edges"]));
    expectOk(await run(["stop", "web", "--tenant", "edges"]));
    for (const action of ["restart", "resume"]) {
      const r = await run([action, "web", "--tenant", "edges"]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain("`aims start web --tenant edges`");
    }
    expectOk(await run(["start", "web", "--tenant", "edges"]));
  });

  it("asking for the state it is in exits 0, says already, and records nothing", async () => {
    const before = eventTypes(install, web.id).length;
    const resumed = await run(["resume", "web", "--tenant", "edges"]);
    expectOk(resumed);
    expect(resumed.stdout).toMatch(
      /^already running: edges\/web \(static-site 1\.0\.0, revision 1\) is ready\n/,
    );
    const started = await run(["start", "web", "--tenant", "edges"]);
    expect(started.stdout).toMatch(/^already running: edges\/web .* is ready\n/);
    expect(eventTypes(install, web.id)).toHaveLength(before);

    expectOk(await run(["stop", "web", "--tenant", "edges"]));
    const stopped = await run(["stop", "web", "--tenant", "edges"]);
    expectOk(stopped);
    expect(stopped.stdout).toMatch(/^already stopped: edges\/web .* is stopped\n/);
    expect(await install.json(["stop", "web", "--tenant", "edges"])).toMatchObject({
      state: "stopped",
      unchanged: true,
    });
    expectOk(await run(["suspend", "web", "--tenant", "edges"]));
    const suspended = await run(["suspend", "web", "--tenant", "edges"]);
    expect(suspended.stdout).toMatch(/^already suspended: edges\/web .* is suspended\n/);
    // A suspended instance is stopped too.
    expect((await run(["stop", "web", "--tenant", "edges"])).stdout).toMatch(
      /^already stopped: .* is suspended\n/,
    );
    expect(await install.json(["resume", "web", "--tenant", "edges"])).toMatchObject({
      state: "ready",
      unchanged: false,
    });
  });
});

describe("closed pipes (| head)", () => {
  it("stops quietly when stdout's reader is gone, and keeps its exit code when stderr's is", async () => {
    const listing = spawnCli(["catalog", "list"]);
    listing.child.stdout.destroy();
    expect(await listing.exited).toBe(0);
    expect(listing.err()).toBe("");

    const failing = spawnCli(["ps", "--tenant", "nobody"]);
    failing.child.stderr.destroy();
    expect(await failing.exited).toBe(3);
  });
});

describe("AIMS_URL at something that is not AIMS", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<h1>Not Found</h1>");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));

  it("says so instead of an internal error", async () => {
    const env = { AIMS_URL: url, AIMS_API_KEY: "aims_whatever" };
    const r = await run(["ps"], env);
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(
      `aims: unavailable: ${url} is not an AIMS API (no /healthz): it answered HTTP 404\n`,
    );
    const json = await run(["ps", "--json"], env);
    expect(JSON.parse(json.stdout).error).toEqual({
      code: "unavailable",
      message: `${url} is not an AIMS API (no /healthz): it answered HTTP 404`,
    });
  });
});

/** Follows the logs of `web` across a restart, then sees them end when it stops. */
async function followAcrossRestart(env: Record<string, string>, mark: string): Promise<void> {
  const logs = spawnCli(["logs", "web", "--tenant", "edges", "-f", "--tail", "0"], env);
  await until("the follower to attach", () => {
    void touch(`${mark}-before`);
    return logs.out().includes(`${mark}-before`);
  });
  expectOk(await run(["restart", "web", "--tenant", "edges"]));
  await touch(`${mark}-after`);
  await until("the line after the restart", () => logs.out().includes(`${mark}-after`));
  expect(logs.child.exitCode).toBe(null);
  expect(logs.err()).toMatch(/^aims: web-1 restarted; following /m);
  expect(logs.out()).toMatch(new RegExp(`web-1 \\| .*GET /cgi-bin/info/${mark}-after`));

  expectOk(await run(["stop", "web", "--tenant", "edges"]));
  expect(await logs.exited).toBe(0);
  expect(logs.err()).toMatch(/^aims: web-1 stopped; the instance is stopped, so its logs end here$/m);
  expectOk(await run(["start", "web", "--tenant", "edges"]));
}

describe("logs -f", () => {
  it("keeps following across a restart and says so (host)", async () => {
    await followAcrossRestart({}, "local");
  });
});

describe("progress without a terminal", () => {
  it("prints a line every few seconds during a long health wait, no more often", async () => {
    const r = await run(["deploy", "slow-start", "--tenant", "edges", "--name", "slow"]);
    expectOk(r);
    const lines = r.stderr.split("\n").filter(Boolean);
    const seconds = lines.map((l) => Number(/^\s*(\d+\.\d)s {2}/.exec(l)?.[1]));
    expect(seconds.every(Number.isFinite), r.stderr).toBe(true);
    expect(
      lines.some((l) => /web-1 not healthy yet after \d+ s/.test(l)),
      r.stderr,
    ).toBe(true);
    for (let i = 1; i < seconds.length; i++)
      expect(seconds[i]! - seconds[i - 1]!).toBeGreaterThanOrEqual(2.9);
    expectOk(await run(["rm", "slow", "--tenant", "edges", "--yes"]));
  }, 60_000);
});

describe("domain add", () => {
  it("prints the https URL of a host that has a certificate", async () => {
    const live = join(certDir, "live", "shop.example.com");
    mkdirSync(live, { recursive: true });
    writeSelfSignedCertificate("shop.example.com", {
      certificate: join(live, "fullchain.pem"),
      key: join(live, "privkey.pem"),
    });
    const added = await run(["domain", "add", "web", "shop.example.com", "--tenant", "edges"]);
    expectOk(added);
    expect(added.stdout).toBe(
      `shop.example.com now routes to edges/web: https://shop.example.com:${TLS_PORT}/\n`,
    );
    const plain = await install.json<{ url: string }>([
      "domain",
      "add",
      "web",
      "plain.example.com",
      "--tenant",
      "edges",
    ]);
    expect(plain.url).toBe(`http://plain.example.com:${PROXY_PORT}/`);
  });
});

describe("aims proxy status|stop|start", () => {
  it("shows, stops and starts this install's nginx", async () => {
    const proxyDir = join(install.dataDir, "proxy");
    const pid = masterPid(proxyDir);
    expect(pid).toBeDefined();
    const status = await run(["proxy", "status"]);
    expectOk(status);
    expect(status.stdout).toMatch(
      new RegExp(
        `^proxy on 127\\.0\\.0\\.1:${PROXY_PORT}: running \\(pid ${pid}, generation \\S+\\); 1 route\\(s\\)\n$`,
      ),
    );
    expect(await install.json(["proxy", "status"])).toMatchObject({
      enabled: true,
      running: true,
      pid,
      listen: `127.0.0.1:${PROXY_PORT}`,
      generation: expect.any(String),
      routes: 1,
    });
    expect(await viaProxy("web.edges.localhost")).toBe(200);

    const stopped = await run(["proxy", "stop"]);
    expectOk(stopped);
    expect(stopped.stdout).toBe(`stopped the proxy (pid ${pid})\n`);
    expect(masterPid(proxyDir)).toBeUndefined();
    await expect(viaProxy("web.edges.localhost")).rejects.toThrow(/ECONNREFUSED/);
    expect((await run(["proxy", "status"])).stdout).toMatch(/: not running/);
    expect((await run(["proxy", "stop"])).stdout).toBe("the proxy was not running\n");

    const started = await run(["proxy", "start"]);
    expectOk(started);
    const again = masterPid(proxyDir);
    expect(started.stdout).toMatch(new RegExp(`^started the proxy \\(pid ${again}, generation \\S+\\)\n$`));
    expect(await viaProxy("web.edges.localhost")).toBe(200);
    expect((await run(["proxy", "start"])).stdout).toMatch(/^the proxy is already running \(pid \d+/);
  });
});

describe("remote mode", () => {
  let serve: ChildProcess;
  let remoteEnv: Record<string, string>;
  const clientDir = mkdtempSync(join(tmpdir(), "aims-edges-client-"));

  beforeAll(async () => {
    serve = spawn(process.execPath, [CLI, "serve"], { env: { ...process.env, ...install.env } });
    children.push(serve);
    let output = "";
    serve.stdout!.on("data", (d) => {
      output += d;
    });
    serve.stderr!.on("data", (d) => {
      output += d;
    });
    await until("aims serve", () => /API at (http:\/\/\S+) /.test(output));
    const apiKey = readFileSync(join(install.dataDir, "operator.key"), "utf8").trim();
    remoteEnv = {
      AIMS_URL: /API at (http:\/\/\S+) /.exec(output)![1]!,
      AIMS_API_KEY: apiKey,
      AIMS_DATA_DIR: clientDir,
    };
  });

  afterAll(async () => {
    if (serve.exitCode === null) {
      const exited = new Promise((done) => serve.once("exit", done));
      serve.kill("SIGTERM");
      await exited;
    }
    rmSync(clientDir, { recursive: true, force: true });
  });

  it("says already like the host", async () => {
    const [there, here] = [
      await run(["resume", "web", "--tenant", "edges"], remoteEnv),
      await run(["resume", "web", "--tenant", "edges"]),
    ];
    expectOk(there);
    expect(there.stdout).toBe(here.stdout);
    expect(there.stdout).toMatch(/^already running: /);
  });

  it("keeps following logs across a restart and says so", async () => {
    await followAcrossRestart(remoteEnv, "remote");
  });

  it("stops quietly when the reader of followed logs goes away", async () => {
    const logs = spawnCli(["logs", "web", "--tenant", "edges", "-f", "--tail", "5"], remoteEnv);
    await until("the first lines", () => logs.out().length > 0);
    logs.child.stdout.destroy();
    await touch("after-head");
    expect(await logs.exited).toBe(0);
    expect(logs.err()).not.toMatch(/EPIPE|Error/);
    const listing = spawnCli(["catalog", "list"], remoteEnv);
    listing.child.stdout.destroy();
    expect(await listing.exited).toBe(0);
    expect(listing.err()).toBe("");
  });

  it("refuses aims proxy (host only)", async () => {
    const r = await run(["proxy", "status"], remoteEnv);
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: "aims: invalid_input: `aims proxy status` works only on the AIMS host (unset AIMS_URL)\n",
    });
    expect(await psOne(install, "edges", "web")).toMatchObject({ state: "ready" });
  });
});

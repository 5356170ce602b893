import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { masterPid, strayWorkers } from "../src/proxy/nginx/nginxProcess.js";
import { createTestInstall, openDb } from "./support/aimsCli.js";
import { writeSelfSignedCertificate } from "./support/certificate.js";
import { freePorts } from "./support/http.js";
import { containersOf, type InstanceJson } from "./support/instances.js";
import { openSse } from "./support/sseClient.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const [PROXY_PORT, TLS_PORT] = (await freePorts(2)) as [number, number];
const certDir = mkdtempSync(join(tmpdir(), "aims-certs-"));
const install = await createTestInstall("52700-52799", {
  AIMS_CATALOG_DIRS: FIXTURES,
  AIMS_PROXY_PORT: String(PROXY_PORT),
  AIMS_PROXY_TLS_PORT: String(TLS_PORT),
  AIMS_PROXY_CERT_DIR: certDir,
  // Path URLs are an operator option (off by default); this file tests them too.
  AIMS_PROXY_PATH_ROUTING: "on",
});
const proxyDir = join(install.dataDir, "proxy");

/** nginx processes (masters and workers) whose command line or working directory is this install's. */
function nginxProcessesOf(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.startsWith("nginx:") && cmd.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return [...pids, ...strayWorkers(join(dataDir, "proxy"))];
}

afterAll(async () => {
  await install.cleanup();
  rmSync(certDir, { recursive: true, force: true });
  expect(nginxProcessesOf(install.dataDir), "nginx left behind").toEqual([]);
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A request to the proxy with a Host header (no DNS needed). */
function viaProxy(host: string, path: string, method = "GET"): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      { host: "127.0.0.1", port: PROXY_PORT, path, method, headers: { host }, agent: false, timeout: 5000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${host}${path}`)));
    req.on("error", fail);
    req.end();
  });
}

const status = (host: string, path = "/") => viaProxy(host, path).then((r) => r.status);

const deploy = (plug: string, name: string, env: Record<string, string> = {}) =>
  install.json<InstanceJson & { proxyUrl: string; proxyPathUrl: string }>(
    ["deploy", plug, "--tenant", "acme", "--name", name],
    env,
  );

function proxyEvents(): Array<{ type: string; data: { message?: string } }> {
  const db = openDb(install.dataDir);
  try {
    return (
      db.prepare("select type, data from events where type like 'proxy.%' order by seq").all() as Array<{
        type: string;
        data: string;
      }>
    ).map((e) => ({ type: e.type, data: JSON.parse(e.data) }));
  } finally {
    db.close();
  }
}

let web: InstanceJson & { proxyUrl: string; proxyPathUrl: string };

beforeAll(async () => {
  web = await deploy("static-site", "web");
});

describe("routing through AIMS's own nginx", () => {
  it("each local plug answers by Host header and by path as soon as its deploy returns", async () => {
    expect(web.proxyUrl).toBe(`http://web.acme.localhost:${PROXY_PORT}/`);
    expect(web.proxyPathUrl).toBe(`http://127.0.0.1:${PROXY_PORT}/acme/web/`);
    const api = await deploy("node-api", "api");
    for (const [host, path, text] of [
      ["web.acme.localhost", "/", "It works"],
      ["anything.example", "/acme/web/", "It works"],
      ["api.acme.localhost", "/", '"service":"node-api"'],
      ["localhost", "/acme/api/", '"service":"node-api"'],
    ] as const) {
      const r = await viaProxy(host, path);
      expect(r.status, `${host}${path}`).toBe(200);
      expect(r.body).toContain(text);
    }
    expect((await fetch(api.proxyPathUrl)).status).toBe(200);
    const bare = await viaProxy("localhost", "/acme/web");
    expect([bare.status, bare.headers.location]).toEqual([301, "/acme/web/"]);
    const unknown = await viaProxy("nobody.acme.localhost", "/");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain("There is no app at this address");
  });

  it("load-balances over three replicas: each answers some of 30 requests", async () => {
    await install.json(["scale", "web", "--tenant", "acme", "--replicas", "3"]);
    const ids = (await containersOf(web.id)).map((c) => c.Id.slice(0, 12));
    expect(ids).toHaveLength(3);
    const seen = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const r = await viaProxy("web.acme.localhost", "/cgi-bin/info");
      expect(r.status).toBe(200);
      const host = /hostname: (\S+)/.exec(r.body)![1]!;
      seen.set(host, (seen.get(host) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
  });

  it("passes server-sent events through unbuffered: event 2 is sent only after event 1 arrived", async () => {
    await deploy("sse", "sse");
    const stream = openSse(`http://127.0.0.1:${PROXY_PORT}/events`, { host: "sse.acme.localhost" });
    try {
      expect(await stream.status).toBe(200);
      const [first] = await stream.waitFor(1, 5000);
      expect(first).toMatchObject({ id: "1", data: "one" });
      const ack = await viaProxy("sse.acme.localhost", "/ack", "POST");
      expect(JSON.parse(ack.body)).toEqual({ released: 1 });
      const events = await stream.waitFor(2, 5000);
      expect(events[1]).toMatchObject({ id: "2", data: "two" });
    } finally {
      stream.close();
    }
  });

  it("shows the state: suspended → AIMS 503 page, resumed → back, removed → AIMS 404 page", async () => {
    await deploy("static-site", "pause");
    expect(await status("pause.acme.localhost")).toBe(200);
    await install.json(["suspend", "pause", "--tenant", "acme"]);
    for (const [host, path] of [
      ["pause.acme.localhost", "/"],
      ["localhost", "/acme/pause/"],
    ] as const) {
      const r = await viaProxy(host, path);
      expect(r.status).toBe(503);
      expect(r.body).toContain("<b>pause</b> of <b>acme</b> is suspended");
      expect(r.body).toContain("Served by AIMS");
    }
    await install.json(["resume", "pause", "--tenant", "acme"]);
    expect(await status("pause.acme.localhost")).toBe(200);
    await install.json(["rm", "pause", "--tenant", "acme", "--yes"]);
    const gone = await viaProxy("pause.acme.localhost", "/");
    expect(gone.status).toBe(404);
    expect(gone.body).toContain("There is no app at this address");
    expect(await status("localhost", "/acme/pause/")).toBe(404);
  });

  it("routes validated custom domains (event + audit), with TLS when certbot's files exist", async () => {
    for (const bad of ["evil.com;}", "*.example.com", "web.acme.localhost", "1.2.3.4", "a b.com"]) {
      const r = await install.run(["domain", "add", "web", bad, "--tenant", "acme"]);
      expect(r.code, bad).toBe(2);
    }
    const added = await install.json<{ host: string; changed: boolean }>([
      "domain",
      "add",
      "web",
      "Shop.Example.com",
      "--tenant",
      "acme",
    ]);
    expect(added).toMatchObject({ host: "shop.example.com", changed: true });
    expect(await status("shop.example.com")).toBe(200);
    const taken = await install.run(["domain", "add", "api", "shop.example.com", "--tenant", "acme"]);
    expect(taken.code).toBe(4);

    const live = join(certDir, "live", "secure.example.com");
    mkdirSync(live, { recursive: true });
    writeSelfSignedCertificate("secure.example.com", {
      certificate: join(live, "fullchain.pem"),
      key: join(live, "privkey.pem"),
    });
    await install.json(["domain", "add", "web", "secure.example.com", "--tenant", "acme"]);
    const redirect = await viaProxy("secure.example.com", "/x?y=1");
    expect([redirect.status, redirect.headers.location]).toEqual([
      301,
      `https://secure.example.com:${TLS_PORT}/x?y=1`,
    ]);
    const https = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port: TLS_PORT,
          path: "/",
          servername: "secure.example.com",
          headers: { host: "secure.example.com" },
          rejectUnauthorized: false,
          agent: false,
        },
        (res) => {
          let body = "";
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () => done({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", fail);
      req.end();
    });
    expect(https.status).toBe(200);
    expect(https.body).toContain("It works");

    const routes = await install.json<{
      routes: Array<{ instance: string; hosts: Array<{ host: string; tls: boolean }> }>;
    }>(["routes", "--tenant", "acme"]);
    expect(routes.routes.find((r) => r.instance === "web")?.hosts).toEqual([
      { host: "web.acme.localhost", tls: false },
      { host: "secure.example.com", tls: true },
      { host: "shop.example.com", tls: false },
    ]);
    await install.json(["domain", "rm", "web", "secure.example.com", "--tenant", "acme"]);
    expect(await status("secure.example.com")).toBe(404);

    const db = openDb(install.dataDir);
    try {
      expect(
        db.prepare("select type from events where type like 'instance.domain_%' order by seq").all(),
      ).toEqual([
        { type: "instance.domain_added" },
        { type: "instance.domain_added" },
        { type: "instance.domain_removed" },
      ]);
      expect(
        db
          .prepare(
            "select action, target from audit_entries where action like 'instance.domain.%' order by seq",
          )
          .all(),
      ).toEqual([
        { action: "instance.domain.add", target: "instance/acme/web" },
        { action: "instance.domain.add", target: "instance/acme/web" },
        { action: "instance.domain.remove", target: "instance/acme/web" },
      ]);
    } finally {
      db.close();
    }
  });

  it("never lets a corrupted candidate go live: the previous routes keep serving and the failure is an event", async () => {
    const before = masterPid(proxyDir);
    const late = await install.run(
      ["deploy", "static-site", "--tenant", "acme", "--name", "late", "--json"],
      {
        AIMS_TEST_PROXY_CORRUPT: "1",
      },
    );
    expect(late.code, late.stderr).toBe(0);
    const failed = proxyEvents().filter((e) => e.type === "proxy.apply_failed");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.at(-1)!.data.message).toMatch(/unknown directive "aims_test_corruption"/);
    expect(masterPid(proxyDir)).toBe(before);
    expect(await status("web.acme.localhost")).toBe(200);
    expect(await status("shop.example.com")).toBe(200);
    expect(await status("late.acme.localhost")).toBe(404);
    await install.json(["reconcile"]);
    expect(await status("late.acme.localhost")).toBe(200);
  });

  it("brings nginx back with every route after it is killed (aims reconcile)", async () => {
    const before = masterPid(proxyDir)!;
    process.kill(before, "SIGKILL");
    await install.json(["reconcile"]);
    const after = masterPid(proxyDir);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    for (const host of [
      "web.acme.localhost",
      "api.acme.localhost",
      "shop.example.com",
      "late.acme.localhost",
    ])
      expect(await status(host), host).toBe(200);
    expect(await status("localhost", "/acme/web/")).toBe(200);
    expect(proxyEvents().at(-1)?.type).toBe("proxy.started");
  });

  it("brings nginx back after it is killed, by itself, under aims serve", async () => {
    const serve: ChildProcess = spawn(
      process.execPath,
      [join(ROOT, "dist/cli/main.js"), "serve", "--no-api"],
      {
        env: { ...process.env, ...install.env, AIMS_RECONCILE_INTERVAL_MS: "300" },
        stdio: "ignore",
      },
    );
    try {
      const before = masterPid(proxyDir)!;
      for (const pid of [before, ...strayWorkers(proxyDir)]) process.kill(pid, "SIGKILL");
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const pid = masterPid(proxyDir);
        if (pid && pid !== before && (await status("web.acme.localhost").catch(() => 0)) === 200) break;
        await sleep(100);
      }
      expect(masterPid(proxyDir)).not.toBe(before);
      expect(await status("web.acme.localhost")).toBe(200);
      expect(await status("shop.example.com")).toBe(200);
    } finally {
      serve.kill("SIGTERM");
      await new Promise((done) => serve.once("exit", done));
    }
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall } from "./support/aimsCli.js";
import type { InstanceJson } from "./support/instances.js";

/**
 * Security I, finding 1: the control plane's session must never reach a tenant's app. A tenant's app is
 * hostile: whatever credential of AIMS it receives it can replay against the API. The echo plug answers
 * with the headers it was given, so each test sends what a signed-in user's browser would send and then
 * replays, as the app would, what the app received.
 */
const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const install = await createTestInstall("53600-53649", {
  AIMS_CATALOG_DIRS: FIXTURES,
  // The riskiest setup first: every app on the proxy's one origin, as the finding found it.
  AIMS_PROXY_PATH_ROUTING: "on",
});
afterAll(() => install.cleanup());

interface Echo {
  url: string;
  headers: Record<string, string | undefined>;
  rawHeaders: string[];
}

/** A request to the proxy; `headers` is a raw list (name, value, name, value…) so a header may repeat. */
function viaProxy(
  host: string,
  path: string,
  headers: string[] = [],
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: install.proxyPort,
        path,
        headers: ["Host", host, ...headers],
        agent: false,
        timeout: 5000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => done({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${host}${path}`)));
    req.on("error", fail);
    req.end();
  });
}

/** What the echo app received for a request through the proxy. */
async function received(host: string, path: string, headers: string[]): Promise<Echo> {
  const r = await viaProxy(host, path, headers);
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body) as Echo;
}

/** Both ways to reach the echo app: by its host name, and by path on the proxy's own address. */
const ADDRESSES = [
  ["echo.evil.localhost", "/"],
  ["127.0.0.1", "/evil/echo/"],
] as const;

let api = "";
let serve: ChildProcess | undefined;
/** The signed-in user's cookie jar as the API set it (name=value each), and their CSRF token. */
let jar: string[] = [];
let setCookies: string[] = [];
let csrf = "";
let userKey = "";

/** The app's replay of what it received: read the user, mint a key. */
async function replay(got: Echo): Promise<number[]> {
  const headers: Record<string, string> = {};
  if (got.headers.cookie) headers.cookie = got.headers.cookie;
  if (got.headers.authorization) headers.authorization = got.headers.authorization;
  const csrfEchoed = /(?:^|;\s*)(?:__Host-)?aims_csrf=([^;]*)/.exec(got.headers.cookie ?? "")?.[1];
  const me = await fetch(`${api}/v1/users/me`, { headers });
  const key = await fetch(`${api}/v1/keys`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json", "x-csrf-token": csrfEchoed ?? "" },
    body: JSON.stringify({ name: "stolen" }),
  });
  return [me.status, key.status];
}

describe("a tenant's app never receives the control plane's credentials (path routing on)", () => {
  let echo: InstanceJson & { proxyUrl: string; proxyPathUrl?: string };

  beforeAll(async () => {
    echo = await install.json(["deploy", "echo", "--tenant", "evil", "--name", "echo"]);
    let output = "";
    const child = spawn(process.execPath, [join(ROOT, "dist/cli/main.js"), "serve"], {
      env: { ...process.env, ...install.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    serve = child;
    child.stdout!.on("data", (d) => {
      output += d;
    });
    child.stderr!.on("data", (d) => {
      output += d;
    });
    const deadline = Date.now() + 90_000;
    while (!/API at (http:\/\/\S+) /.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`aims serve: ${output}`);
      await sleep(100);
    }
    api = /API at (http:\/\/\S+) /.exec(output)![1]!;
    const operator = readFileSync(join(install.dataDir, "operator.key"), "utf8").trim();
    const password = "a long enough password for ada";
    const created = await fetch(`${api}/v1/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", password }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const login = await fetch(`${api}/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", password }),
    });
    expect(login.status).toBe(201);
    setCookies = login.headers.getSetCookie();
    jar = setCookies.map((c) => c.split(";")[0]!);
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const minted = await fetch(`${api}/v1/keys`, {
      method: "POST",
      headers: { cookie: jar.join("; "), "x-csrf-token": csrf, "content-type": "application/json" },
      body: JSON.stringify({ name: "laptop" }),
    });
    expect(minted.status, await minted.clone().text()).toBe(201);
    userKey = ((await minted.json()) as { key: string }).key;
  });
  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((done) => serve!.once("exit", done));
      serve.kill("SIGTERM");
      await exited;
    }
  });

  it("sets host-only __Host- session cookies: Secure, Path=/, no Domain", () => {
    expect(jar.map((c) => c.split("=")[0]).sort()).toEqual(["__Host-aims_csrf", "__Host-aims_session"]);
    for (const c of setCookies) {
      expect(c).toMatch(/; Secure/i);
      expect(c).toMatch(/; Path=\/(;|$)/);
      expect(c).not.toMatch(/Domain=/i);
    }
  });

  it("a signed-in user's cookies reach no app, so the app can neither read the user nor mint a key", async () => {
    // The session works when the browser sends it to the API itself.
    const me = await fetch(`${api}/v1/users/me`, { headers: { cookie: jar.join("; ") } });
    expect(me.status).toBe(200);
    expect(echo.proxyPathUrl).toBe(`http://127.0.0.1:${install.proxyPort}/evil/echo/`);
    for (const [host, path] of ADDRESSES) {
      // A browser sends every cookie of 127.0.0.1 (or localhost) whatever the port: the app's and AIMS's.
      const got = await received(host, path, ["Cookie", ["theme=dark", ...jar, "myaims_x=1"].join("; ")]);
      // The app's replay: without AIMS's cookies it is a stranger to the API.
      expect(await replay(got), host).toEqual([401, 401]);
      expect(got.headers.cookie, host).toBe("theme=dark; myaims_x=1");
      for (const secret of [...jar.map((c) => c.split("=")[1]!), csrf])
        expect(JSON.stringify(got)).not.toContain(secret);
    }
  });

  it("an AIMS key sent as a bearer token is removed; tenants' own Basic and Bearer credentials pass", async () => {
    for (const [host, path] of ADDRESSES) {
      for (const sent of [`Bearer ${userKey}`, `bearer   ${userKey}`]) {
        const got = await received(host, path, ["Authorization", sent]);
        expect(await replay(got), `${host}: ${sent}`).toEqual([401, 401]);
        expect(got.headers.authorization).toBeUndefined();
        expect(JSON.stringify(got)).not.toContain(userKey);
      }
      for (const own of ["Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer tenant-own-token", "Bearer myaims_token"])
        expect((await received(host, path, ["Authorization", own])).headers.authorization).toBe(own);
    }
  });

  it("removes AIMS cookies wherever they stand and passes every other cookie, through real nginx", async () => {
    const pad = Array.from({ length: 12 }, (_, i) => `aims_pad${i}=x`);
    const cases: Array<[string[], string | undefined]> = [
      [["aims_session=a"], undefined],
      [["aims_session=a; aims_csrf=b"], undefined],
      [["__Host-aims_session=a; __Host-aims_csrf=b; x=1"], "x=1"],
      [["x=1; aims_session=a; y=2"], "x=1; y=2"],
      [["x=1;aims_session=a;y=2"], "x=1;y=2"],
      [["aims_session=a;   x=1"], "x=1"],
      [["x=1; aims_1=a; aims_2=b; y=2; aims_3=c; z=3; __Host-aims_4=d"], "x=1; y=2; z=3"],
      // Names that merely contain "aims", and values that look like an AIMS cookie, pass untouched.
      [
        ["myaims_x=1; aimsx=2; x_aims_y=3; a=aims_session=4; __Host-myaims=5"],
        "myaims_x=1; aimsx=2; x_aims_y=3; a=aims_session=4; __Host-myaims=5",
      ],
      // Two Cookie lines are one list to nginx: AIMS's are removed from both.
      [["x=1; aims_csrf=b", "aims_session=a; y=2"], "x=1; y=2"],
      // More AIMS-named cookies than the proxy removes one by one: every cookie is dropped, never one of AIMS's passed.
      [[[...pad, "aims_session=a", "x=1"].join("; ")], undefined],
      [["plain=1"], "plain=1"],
      [[], undefined],
    ];
    for (const [host, path] of ADDRESSES)
      for (const [lines, expected] of cases) {
        const got = await received(
          host,
          path,
          lines.flatMap((l) => ["Cookie", l]),
        );
        expect(got.headers.cookie, `${host}: ${lines.join(" | ")}`).toBe(expected);
        expect(got.rawHeaders.filter((h) => h.toLowerCase() === "cookie").length).toBe(expected ? 1 : 0);
      }
  });
});

describe("path routing is off unless the operator turns it on", () => {
  // Unset (the empty value counts as unset): the default.
  const defaults = { AIMS_PROXY_PATH_ROUTING: "" };

  it("answers by host name only: no path route, and no proxyPathUrl in any output", async () => {
    const r = await install.run(["reconcile"], defaults);
    expect(r.code, r.stderr).toBe(0);
    expect((await viaProxy("127.0.0.1", "/evil/echo/")).status).toBe(404);
    expect((await viaProxy("127.0.0.1", "/evil/echo")).status).toBe(404);
    const got = await received("echo.evil.localhost", "/", ["Cookie", "x=1; aims_session=a"]);
    expect(got.headers.cookie).toBe("x=1");
    const [listed] = await install.json<Array<Record<string, unknown>>>(["ps", "--tenant", "evil"], defaults);
    expect(listed).toMatchObject({
      name: "echo",
      proxyUrl: `http://echo.evil.localhost:${install.proxyPort}/`,
    });
    expect(listed).not.toHaveProperty("proxyPathUrl");
    const routes = await install.json<{ routes: Array<Record<string, unknown>> }>(["routes"], defaults);
    expect(routes.routes).toHaveLength(1);
    expect(routes.routes[0]).not.toHaveProperty("pathUrl");
    const human = await install.run(["deploy", "echo", "--tenant", "evil", "--name", "echo"], defaults);
    expect(human.stdout).toContain(`url: http://echo.evil.localhost:${install.proxyPort}/\n`);
    expect(human.stdout).not.toContain("/evil/echo/");
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { windowOf } from "../src/domain/rateLimits.js";
import { insertMember } from "../src/store/memberRepository.js";
import { insertTenant } from "../src/store/tenantRepository.js";
import { createTestInstall, type TestInstall } from "./support/aimsCli.js";
import { type ApiFixture, type Credential, createApiFixture } from "./support/apiFixture.js";

/**
 * API rate limits (issue "Plans and quotas"): the RateLimit headers, the 429 with Retry-After, budgets per
 * credential and per plan, the window's end, and one budget shared by two `aims serve` on one data dir (their
 * instance port range is 54400-54499; they deploy nothing). Windows are fixed and aligned on the minute, so a
 * test that counts waits for a window with time left rather than straddle two.
 */

const MINUTE = 60_000;

/** Waits for the next window when this one has less than 15 s left: a count then stays in one window. */
async function freshWindow(windowMs = MINUTE): Promise<void> {
  const left = windowOf(Date.now(), windowMs).end - Date.now();
  if (left < 15_000) await sleep(left + 50);
}

const header = (res: { headers: Record<string, unknown> }, name: string) =>
  res.headers[name] === undefined ? undefined : Number(res.headers[name]);

const budget = (res: LightMyRequestResponse) => ({
  status: res.statusCode,
  limit: header(res, "ratelimit-limit"),
  remaining: header(res, "ratelimit-remaining"),
});

describe("rate limits of one API", () => {
  let f: ApiFixture;
  /** A service key per tenant: `small` is on starter (5 a minute here), `big` on business (40). */
  const keys: { small: { key: string }[]; big: { key: string }[] } = { small: [], big: [] };
  let person: { session: { cookie: string; csrf: string } };

  beforeAll(async () => {
    f = await createApiFixture(
      {
        api: { rateLimit: { perMinute: 8, operatorPerMinute: "unlimited", anonymousPerMinute: 20 } },
        plans: { starter: { apiRequestsPerMinute: 5 }, business: { apiRequestsPerMinute: 40 } },
      },
      { rateLimits: "configured" },
    );
    const db = f.platform.store.db;
    const small = await insertTenant(db, { name: "small", plan: "starter" });
    const big = await insertTenant(db, { name: "big", plan: "business" });
    const operator = { key: f.operatorKey };
    for (const tenant of ["small", "big"] as const)
      for (let i = 0; i < 4; i++) {
        const res = await f.call("POST", `/v1/tenants/${tenant}/keys`, {
          as: operator,
          body: { name: `ci-${i}`, role: "member" },
        });
        expect(res.statusCode, res.body).toBe(201);
        keys[tenant].push({ key: res.json().key });
      }
    const user = await f.signUp("both@tenants.example");
    for (const tenantId of [small.id, big.id])
      await insertMember(db, { tenantId, userId: user.id, role: "member" });
    person = user;
  });
  afterAll(() => f.close());

  it("answers RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, counting down", async () => {
    await freshWindow();
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const res = await f.call("GET", "/v1/tenants/small/instances", { as: keys.small[0] });
      seen.push(budget(res));
      const reset = header(res, "ratelimit-reset")!;
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }
    expect(seen).toEqual([
      { status: 200, limit: 5, remaining: 4 },
      { status: 200, limit: 5, remaining: 3 },
      { status: 200, limit: 5, remaining: 2 },
    ]);
  });

  it("answers a spent budget with 429 rate_limited, Retry-After and a message naming the limit and the wait", async () => {
    await freshWindow();
    const as = keys.small[1];
    for (let i = 0; i < 5; i++)
      expect((await f.call("GET", "/v1/tenants/small/instances", { as })).statusCode).toBe(200);
    const refused = await f.call("GET", "/v1/tenants/small/instances", { as });
    expect(budget(refused)).toEqual({ status: 429, limit: 5, remaining: 0 });
    const wait = header(refused, "retry-after")!;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      error: {
        code: "rate_limited",
        message: `too many requests for this key: 5 a minute on plan starter of tenant small; retry in ${wait} s`,
      },
      requestId: expect.stringMatching(/^req_/),
    });
    // A change is refused the same way, before its body is read: nothing is created.
    const post = await f.call("POST", "/v1/tenants/small/instances", { as, body: { plug: "static-site" } });
    expect(post.statusCode).toBe(429);
  });

  it("keeps a budget per key: a spent key leaves another key of the same tenant untouched", async () => {
    await freshWindow();
    const [spent, other] = [keys.small[2], keys.small[3]];
    for (let i = 0; i < 6; i++) await f.call("GET", "/v1/tenants/small/instances", { as: spent });
    expect((await f.call("GET", "/v1/tenants/small/instances", { as: spent })).statusCode).toBe(429);
    expect(budget(await f.call("GET", "/v1/tenants/small/instances", { as: other }))).toEqual({
      status: 200,
      limit: 5,
      remaining: 4,
    });
  });

  it("spends the plan of the tenant a request names: starter's limit is reached while business goes on", async () => {
    await freshWindow();
    const as: Credential = person.session;
    for (let i = 0; i < 5; i++) await f.call("GET", "/v1/tenants/small", { as });
    const refused = await f.call("GET", "/v1/tenants/small", { as });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(
      /^too many requests for this session: 5 a minute on plan starter/,
    );
    // The same session in the business tenant, and a list naming it with ?tenant=: the business budget.
    expect(budget(await f.call("GET", "/v1/tenants/big", { as }))).toEqual({
      status: 200,
      limit: 40,
      remaining: 39,
    });
    expect(budget(await f.call("GET", "/v1/instances?tenant=big", { as }))).toEqual({
      status: 200,
      limit: 40,
      remaining: 38,
    });
    // Outside any tenant: the config's perMinute, a budget of its own.
    expect(budget(await f.call("GET", "/v1/instances", { as }))).toEqual({
      status: 200,
      limit: 8,
      remaining: 7,
    });
  });

  it("spends a service key's tenant plan on every route, and a tenant the caller cannot see reads like none", async () => {
    await freshWindow();
    const as = keys.big[0];
    expect(budget(await f.call("GET", "/v1/instances", { as }))).toEqual({
      status: 200,
      limit: 40,
      remaining: 39,
    });
    // Another tenant (the key has no role there): a 404 on the key's own plan, not the other tenant's.
    const other = await f.call("GET", "/v1/tenants/small/instances", { as });
    expect(budget(other)).toEqual({ status: 404, limit: 40, remaining: 38 });
    const nowhere = await f.call("GET", "/v1/tenants/no-such-tenant/instances", { as });
    expect(budget(nowhere)).toEqual({ status: 404, limit: 40, remaining: 37 });
  });

  it("limits requests without a valid credential by address, and never health, readiness or metrics", async () => {
    await freshWindow();
    const from = (remoteAddress: string, url: string, headers: Record<string, string> = {}) =>
      f.app.inject({ method: "GET", url, remoteAddress, headers });
    for (let i = 0; i < 19; i++) expect((await from("192.0.2.7", "/openapi.json")).statusCode).toBe(200);
    // A wrong key spends the address's budget too, and is still answered 401 while the budget lasts.
    const wrong = await from("192.0.2.7", "/v1/instances", { authorization: "Bearer aims_wrong" });
    expect(budget(wrong)).toEqual({ status: 401, limit: 20, remaining: 0 });
    const refused = await from("192.0.2.7", "/docs");
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(
      /^too many requests from 192\.0\.2\.7 without a credential: 20 a minute \(api\.rateLimit\.anonymousPerMinute; sign in or send an API key for your own budget\); retry in \d+ s$/,
    );
    expect((await from("192.0.2.8", "/docs")).statusCode).toBe(200);
    for (const url of ["/healthz", "/metrics", "/healthz"]) {
      const res = await from("192.0.2.7", url);
      expect(res.statusCode).toBe(200);
      expect(res.headers["ratelimit-limit"]).toBeUndefined();
    }
    // The same for an IPv6 client's whole /64.
    for (let i = 0; i < 20; i++) await from(`2001:db8::${i + 1}`, "/docs");
    expect((await from("2001:db8::ffff", "/docs")).statusCode).toBe(429);
  });

  it("sends no RateLimit headers to an unlimited budget (the operator here)", async () => {
    const res = await f.call("GET", "/v1/instances", { as: { key: f.operatorKey } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["ratelimit-limit"]).toBeUndefined();
  });

  it("counts a stream once, when it is opened, and sends the headers with it", async () => {
    await freshWindow();
    const base = await f.app.listen({ host: "127.0.0.1", port: 0 });
    const as = keys.big[1];
    const open = () =>
      new Promise<{ status: number; remaining: number }>((done, fail) => {
        const req = httpRequest(
          `${base}/v1/events?tenant=big`,
          { headers: { authorization: `Bearer ${as!.key}`, accept: "text/event-stream" } },
          (res) => {
            done({ status: res.statusCode ?? 0, remaining: Number(res.headers["ratelimit-remaining"]) });
            req.destroy();
          },
        );
        req.on("error", fail);
        req.end();
      });
    expect(await open()).toEqual({ status: 200, remaining: 39 });
    // The first stream's heartbeats and events did not count: the second one is the budget's second request.
    await sleep(50);
    expect(await open()).toEqual({ status: 200, remaining: 38 });
  });
});

describe("the window", () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await createApiFixture(
      { api: { rateLimit: { anonymousPerMinute: 3 } }, testHooks: { rateLimitWindowMs: 1000 } },
      { rateLimits: "configured" },
    );
  });
  afterAll(() => f.close());

  it("lets a spent budget in again once its window has ended", async () => {
    const ask = () => f.app.inject({ method: "GET", url: "/openapi.json", remoteAddress: "192.0.2.9" });
    let refused: LightMyRequestResponse | undefined;
    // Spent within one window (should a window end midway, the next one is spent).
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await ask();
      if (res.statusCode === 429) refused = res;
    }
    expect(refused?.json().error.message).toMatch(/: 3 per 1 s \(api\.rateLimit\.anonymousPerMinute/);
    await sleep(Number(refused!.headers["retry-after"]) * 1000);
    expect(budget(await ask())).toEqual({ status: 200, limit: 3, remaining: 2 });
  });
});

describe("two aims serve on one data dir", () => {
  const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");
  let host: TestInstall;
  const serves: ChildProcess[] = [];
  const urls: string[] = [];
  /** Two service keys of tenant `shared` (on team: 6 a minute here). */
  const keys: string[] = [];

  async function startServe(): Promise<string> {
    const child = spawn(process.execPath, [CLI, "serve"], {
      env: { ...process.env, ...host.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    serves.push(child);
    let output = "";
    child.stdout!.on("data", (d) => {
      output += d;
    });
    child.stderr!.on("data", (d) => {
      output += d;
    });
    for (let i = 0; i < 150 && !/API at (http:\/\/\S+) /.test(output); i++) await sleep(100);
    const url = /API at (http:\/\/\S+) /.exec(output)?.[1];
    if (!url) throw new Error(`aims serve did not start: ${output}`);
    return url;
  }

  async function call(url: string, method: string, path: string, bearer: string, body?: unknown) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const remaining = res.headers.get("ratelimit-remaining");
    return {
      status: res.status,
      remaining: remaining === null ? undefined : Number(remaining),
      body: await res.json(),
    };
  }

  beforeAll(async () => {
    host = await createTestInstall("54400-54499", { AIMS_PROXY: "off" });
    const config = join(host.dataDir, "config.yaml");
    writeFileSync(
      config,
      "api:\n  rateLimit:\n    perMinute: 6\nplans:\n  team:\n    apiRequestsPerMinute: 6\n",
    );
    host.env.AIMS_CONFIG = config;
    urls.push(await startServe());
    const operator = readFileSync(join(host.dataDir, "operator.key"), "utf8").trim();
    expect((await call(urls[0]!, "POST", "/v1/tenants", operator, { name: "shared" })).status).toBe(201);
    for (const name of ["ci", "cli"]) {
      const made = await call(urls[0]!, "POST", "/v1/tenants/shared/keys", operator, {
        name,
        role: "member",
      });
      expect(made.status).toBe(201);
      keys.push(made.body.key);
    }
    urls.push(await startServe());
  }, 60_000);

  afterAll(async () => {
    for (const child of serves)
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
    await host?.cleanup();
  });

  it("spend one budget: requests to either count against the same window", async () => {
    await freshWindow();
    const seen = [];
    for (let i = 0; i < 6; i++) {
      const res = await call(urls[i % 2]!, "GET", "/v1/tenants/shared/instances", keys[0]!);
      seen.push([res.status, res.remaining]);
    }
    expect(seen).toEqual([
      [200, 5],
      [200, 4],
      [200, 3],
      [200, 2],
      [200, 1],
      [200, 0],
    ]);
    for (const url of urls) {
      const refused = await call(url, "GET", "/v1/tenants/shared/instances", keys[0]!);
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(
        /^too many requests for this key: 6 a minute on plan team of tenant shared/,
      );
    }
  });

  it("the CLI in remote mode prints the message with the wait and exits 5", async () => {
    await freshWindow();
    for (let i = 0; i < 6; i++) await call(urls[0]!, "GET", "/v1/tenants/shared/instances", keys[1]!);
    const r = await host.run(["ps", "--tenant", "shared"], { AIMS_URL: urls[1]!, AIMS_API_KEY: keys[1]! });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(
      /^aims: rate_limited: too many requests for this key: 6 a minute on plan team of tenant shared; retry in \d+ s\n$/,
    );
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../src/api/dashboard.js";
import { type ApiServer, createApiServer } from "../src/api/server.js";
import { ensureOperatorAccount, OPERATOR_EMAIL } from "../src/tenancy/operatorAccount.js";
import { type ApiFixture, createApiFixture, signIn } from "./support/apiFixture.js";

// A built dashboard of our own (the real build is exercised by test/dashboard.browser.test.ts): a page, a hashed
// asset and its gzipped twin, as `npm run build` lays them out in dist/web.
const built = mkdtempSync(join(tmpdir(), "aims-web-"));
const PAGE =
  '<!doctype html><html lang="en"><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify("x".repeat(2000))});`;
mkdirSync(join(built, "assets"));
writeFileSync(join(built, "index.html"), PAGE);
writeFileSync(join(built, "assets/app-1a2b3c.js"), SCRIPT);
writeFileSync(join(built, "assets/app-1a2b3c.js.gz"), gzipSync(SCRIPT));

let f: ApiFixture;
let app: ApiServer;
let bare: ApiServer;
const HTML = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

beforeAll(async () => {
  f = await createApiFixture();
  app = await createApiServer(f.platform, { dashboard: built });
  bare = await createApiServer(f.platform, { dashboard: false });
});
afterAll(async () => {
  await app.close();
  await bare.close();
  await f.close();
  rmSync(built, { recursive: true, force: true });
});

const get = (server: ApiServer, url: string, headers: Record<string, string> = HTML) =>
  server.inject({ method: "GET", url, headers });

describe("aims serve serves the dashboard at /", () => {
  it("answers the page with a CSP that allows nothing external, revalidated on every load", async () => {
    const page = await get(app, "/");
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toBe(PAGE);
    expect(page.headers["content-security-policy"]).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toMatch(/script-src[^;]*unsafe/);
    expect(DASHBOARD_CSP).not.toMatch(/https?:|\*/);
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.headers["x-frame-options"]).toBe("DENY");
  });

  it("caches hashed assets for a year, and sends the gzipped file to a browser that takes it", async () => {
    const asset = await get(app, "/assets/app-1a2b3c.js", { "accept-encoding": "gzip, deflate, br" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers["content-type"]).toMatch(/javascript/);
    expect(asset.headers["content-encoding"]).toBe("gzip");
    expect(asset.rawPayload.length).toBeLessThan(SCRIPT.length);
    const plain = await get(app, "/assets/app-1a2b3c.js", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it("answers the page for the dashboard's own paths when the request reads HTML, and JSON 404 otherwise", async () => {
    for (const path of [
      "/t/acme/instances",
      "/t/acme/instances/web",
      "/sign-in",
      "/invitation",
      "/account",
    ]) {
      const page = await get(app, path);
      expect(page.statusCode, path).toBe(200);
      expect(page.body, path).toBe(PAGE);
      expect(page.headers["content-security-policy"], path).toBe(DASHBOARD_CSP);
      // A program (fetch's */*, curl) gets the API's 404, never a page it cannot read.
      const program = await get(app, path, { accept: "*/*" });
      expect(program.statusCode, path).toBe(404);
      expect(program.json().error.code, path).toBe("not_found");
    }
    const post = await app.inject({ method: "POST", url: "/t/acme/instances", headers: HTML });
    expect(post.statusCode).toBe(404);
    expect(post.json().error.code).toBe("not_found");
  });

  it("keeps the API's answers and JSON 404s under /v1, /healthz, /readyz, /metrics, /openapi.json and /assets", async () => {
    for (const path of [
      "/v1/nothing",
      "/v1",
      "/v1/tenants/acme/nothing",
      "/healthz/x",
      "/metrics/x",
      "/openapi.json/x",
      "/assets/missing.js",
      "/docs/x",
    ]) {
      const res = await get(app, path);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers["content-type"], path).toMatch(/^application\/json/);
      expect(res.json(), path).toMatchObject({ error: { code: "not_found" }, requestId: expect.any(String) });
    }
    const health = await get(app, "/healthz");
    expect(health.json()).toEqual({ status: "ok" });
    const doc = await get(app, "/openapi.json");
    expect(doc.json().openapi).toBe("3.1.0");
    const metrics = await get(app, "/metrics");
    expect(metrics.headers["content-type"]).toMatch(/^text\/plain/);
    const unauthorized = await get(app, "/v1/tenants");
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.json().error.code).toBe("unauthorized");
  });

  it("serves nothing at / when no dashboard was built: the API's 404", async () => {
    const res = await get(bare, "/");
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
    expect(bare.servesDashboard).toBe(false);
    expect(app.servesDashboard).toBe(true);
  });
});

describe("the operator's first sign-in", () => {
  it("is an operator account whose generated password is written once, mode 0600, and signs in", async () => {
    const first = await ensureOperatorAccount(f.platform);
    expect(first).toMatchObject({
      created: true,
      email: OPERATOR_EMAIL,
      path: join(f.dataDir, "operator-login.txt"),
    });
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const text = readFileSync(first.path, "utf8");
    const password = /^password: (\S+)$/m.exec(text)?.[1] ?? "";
    expect(text).toContain(`email: ${OPERATOR_EMAIL}`);
    expect(password.length).toBeGreaterThanOrEqual(20);
    // Never in a log line.
    expect(f.logs.join("")).not.toContain(password);

    const session = await signIn(f.call, OPERATOR_EMAIL, password);
    const me = await f.call("GET", "/v1/users/me", { as: session });
    expect(me.json()).toMatchObject({ email: OPERATOR_EMAIL, platformAdmin: true });

    // Later starts change nothing, the file gone or not: the password stays the one its owner has.
    rmSync(first.path);
    expect(await ensureOperatorAccount(f.platform)).toMatchObject({ created: false });
    expect(() => statSync(first.path)).toThrow();
    await signIn(f.call, OPERATOR_EMAIL, password);

    const audit = await f.call("GET", "/v1/audit?limit=200", { as: { key: f.operatorKey } });
    const made = audit.json().items.filter((e: { action: string }) => e.action === "operator_account.create");
    expect(made).toHaveLength(1);
    expect(JSON.stringify(made)).not.toContain(password);
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import { type ApiServer, createApiServer, ensureOperatorKey } from "../../src/api/server.js";
import { loadConfig } from "../../src/config.js";
import { mergeDeep } from "../../src/domain/plans.js";
import { createLogger } from "../../src/logger.js";
import { loadPlans } from "../../src/plans/loadPlans.js";
import { createPlatform, type Platform } from "../../src/platform.js";
import { removeByLabel } from "./aimsCli.js";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** How a request authenticates: an API key, a browser session (cookie + CSRF token), or nothing. */
export type Credential = { key: string } | { cookie: string; csrf: string } | undefined;

/** A throw-away API over a real SQLite store in a temp dir, with the operator key and captured logs. */
export interface ApiFixture {
  platform: Platform;
  app: ApiServer;
  operatorKey: string;
  dataDir: string;
  /** Every log line the platform wrote. */
  logs: string[];
  call(
    method: Method,
    url: string,
    options?: { as?: Credential; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Creates a user (as the operator) and signs them in; returns their session credential and id. */
  signUp(
    email: string,
    password?: string,
  ): Promise<{ id: string; session: { cookie: string; csrf: string } }>;
  close(): Promise<void>;
}

export const PASSWORD = "correct horse battery staple";

/**
 * `raised` (the default, for tests that are not about rate limits): every budget — the config's and every plan's
 * `apiRequestsPerMinute` — far above what a test sends, still counted, so the limiter runs on every request but
 * refuses none; the test's own `api.rateLimit` or `plans` win. `configured`: the limits as the config says
 * (test/rate-limits.test.ts).
 */
export interface ApiFixtureOptions {
  rateLimits?: "raised" | "configured";
}

/** A budget no test reaches. */
const RAISED = 1_000_000;

/** Config overrides that raise every rate limit (see ApiFixtureOptions), under the test's own overrides. */
function raisedRateLimits(overrides: Record<string, unknown>) {
  const plans = Object.fromEntries(
    loadPlans({}, "team").all.map((plan) => [plan.name, { apiRequestsPerMinute: RAISED }]),
  );
  return {
    plans: mergeDeep(plans, overrides.plans),
    rateLimit: { perMinute: RAISED, operatorPerMinute: RAISED, anonymousPerMinute: RAISED },
  };
}

/** Starts a fixture; `overrides` go to the config (port range 52900-52999 is this issue's). */
export async function createApiFixture(
  overrides: Record<string, unknown> = {},
  options: ApiFixtureOptions = {},
): Promise<ApiFixture> {
  const raised = (options.rateLimits ?? "raised") === "raised" ? raisedRateLimits(overrides) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "aims-api-"));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      ports: { min: 52900, max: 52999 },
      logLevel: "debug",
      // The API is tested in-process; the reverse proxy has its own tests (test/proxy.test.ts).
      proxy: { enabled: false },
      ...overrides,
      ...(raised ? { plans: raised.plans } : {}),
      api: {
        secureCookies: false,
        passwordHashing: { memoryKiB: 4096, iterations: 1 },
        ...(raised ? { rateLimit: raised.rateLimit } : {}),
        ...(overrides.api as object),
      },
    },
  });
  const platform = await createPlatform(config, createLogger("debug", sink));
  const { path } = await ensureOperatorKey(platform);
  const operatorKey = readFileSync(path, "utf8").trim();
  const app = await createApiServer(platform);
  const call: ApiFixture["call"] = (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as;
    if (as && "key" in as) headers.authorization = `Bearer ${as.key}`;
    if (as && "cookie" in as) {
      headers.cookie = `aims_session=${as.cookie}`;
      headers["x-csrf-token"] = as.csrf;
    }
    return app.inject({
      method,
      url,
      headers,
      ...(options.body !== undefined ? { payload: options.body as object } : {}),
    });
  };
  return {
    platform,
    app,
    operatorKey,
    dataDir,
    logs,
    call,
    async signUp(email, password = PASSWORD) {
      const created = await call("POST", "/v1/users", {
        as: { key: operatorKey },
        body: { email, password },
      });
      if (created.statusCode !== 201) throw new Error(`create user: ${created.body}`);
      return { id: created.json().id, session: await signIn(call, email, password) };
    },
    async close() {
      await app.close();
      const installation = platform.store.installationId;
      await platform.close();
      await removeByLabel(`aims.installation=${installation}`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in and returns the session cookie value and CSRF token. */
export async function signIn(call: ApiFixture["call"], email: string, password: string) {
  const res = await call("POST", "/v1/sessions", { body: { email, password } });
  if (res.statusCode !== 201) throw new Error(`sign in: ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "aims_session")!.value;
  return { cookie, csrf: res.json().csrfToken as string };
}

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
import { createTestDatabase, TEST_STORE } from "./testStore.js";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** How a request authenticates: an API key, a browser session (cookie + CSRF token), or nothing. */
export type Credential = { key: string } | { cookie: string; csrf: string } | undefined;

/**
 * A throw-away API over a real store (SQLite in a temp dir; in the postgres project a fresh PostgreSQL database),
 * with the operator key and captured logs.
 */
export interface ApiFixture {
  platform: Platform;
  app: ApiServer;
  operatorKey: string;
  dataDir: string;
  /** The environment a CLI run on this fixture's install needs: its data dir and database. */
  cliEnv: Record<string, string>;
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

/**
 * The port ranges of API test files, and their twins for the postgres project: it runs the same files at the
 * same time as the suite, and two installs drawing on one range could both probe a port free and both bind it.
 */
const POSTGRES_PORTS: Record<string, { min: number; max: number }> = {
  "52900-52999": { min: 55100, max: 55199 },
  "52880-52899": { min: 55080, max: 55099 },
  "53650-53699": { min: 55000, max: 55049 },
  "54100-54149": { min: 55200, max: 55249 },
  "58250-58269": { min: 58300, max: 58319 },
  "55400-55449": { min: 55500, max: 55549 },
  "58550-58599": { min: 58600, max: 58649 },
};

function portsFor(ports: { min: number; max: number }): { min: number; max: number } {
  if (TEST_STORE === "sqlite") return ports;
  const twin = POSTGRES_PORTS[`${ports.min}-${ports.max}`];
  if (!twin)
    throw new Error(
      `port range ${ports.min}-${ports.max} has no twin for the postgres project in apiFixture.ts`,
    );
  return twin;
}

/** Starts a fixture; `overrides` go to the config (port range 52900-52999 is this issue's). */
export async function createApiFixture(
  overrides: Record<string, unknown> = {},
  options: ApiFixtureOptions = {},
): Promise<ApiFixture> {
  const raised = (options.rateLimits ?? "raised") === "raised" ? raisedRateLimits(overrides) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "aims-api-"));
  const database = await createTestDatabase(dataDir);
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
      databaseUrl: database.databaseUrl,
      logLevel: "debug",
      // The API is tested in-process; the reverse proxy has its own tests (test/proxy.test.ts).
      proxy: { enabled: false },
      ...overrides,
      ...(raised ? { plans: raised.plans } : {}),
      ports: portsFor(
        (overrides.ports as { min: number; max: number } | undefined) ?? { min: 52900, max: 52999 },
      ),
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
  const mismatches: string[] = [];
  const app = await createApiServer(platform, { onAnswerMismatch: (m) => mismatches.push(m) });
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
    cliEnv: { AIMS_DATA_DIR: dataDir, AIMS_DATABASE_URL: database.databaseUrl },
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
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
      if (mismatches.length)
        throw new Error(
          `answers that do not match their documented schema:\n${[...new Set(mismatches)].join("\n")}`,
        );
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

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createApiServer, ensureOperatorKey } from "../src/api/server.js";
import type { Platform } from "../src/platform.js";
import { call, timed } from "./httpCalls.js";
import { benchPlatform, seedReadyInstances } from "./platformFixture.js";
import { percentile } from "./stats.js";

/** Budgets no run reaches: every request is counted, none refused. */
const RAISED = 10_000_000;

/** A tenant on team with 50 instance rows, and a service key of it (through the API, as a user would get one). */
async function seed(p: Platform, base: string): Promise<string> {
  await seedReadyInstances(p, { tenants: ["bench"], instances: 50, plan: "team" });
  const operator = readFileSync((await ensureOperatorKey(p)).path, "utf8").trim();
  const res = await fetch(`${base}/v1/tenants/bench/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", role: "member" }),
  });
  if (res.status !== 201) throw new Error(`service key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

interface Side {
  name: string;
  base: string;
  key: string;
  latencies: number[];
  rps: number[];
  dispose(): Promise<void>;
}

/**
 * `off`; `blocks`: on, a budget nothing reaches (spent this fast it takes blocks of 100 numbers); `exact`: on,
 * 99 requests per 20 ms window — a limit under 100 takes one number per request, so every request writes to
 * the store (what a budget spent slowly costs each request), and this bench never sends 99 in 20 ms.
 */
async function side(
  name: string,
  ports: { min: number; max: number },
  mode: "off" | "blocks" | "exact",
): Promise<Side> {
  const limit = mode === "exact" ? 99 : RAISED;
  const { p, dispose } = await benchPlatform(ports, {
    api: {
      rateLimit: {
        enabled: mode !== "off",
        perMinute: limit,
        operatorPerMinute: limit,
        anonymousPerMinute: limit,
      },
    },
    plans: { team: { apiRequestsPerMinute: limit } },
    ...(mode === "exact" ? { testHooks: { rateLimitWindowMs: 20 } } : {}),
  });
  const app = await createApiServer(p);
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  const key = await seed(p, base);
  return {
    name,
    base,
    key,
    latencies: [],
    rps: [],
    async dispose() {
      await app.close();
      await dispose();
    },
  };
}

const PATH = (i: number) => `/v1/tenants/bench/instances/inst-${i % 50}`;

const AUTOCANNON = join(import.meta.dirname, "../node_modules/autocannon/autocannon.js");

/** Requests/s under 16 connections for 3 s, from autocannon in a process of its own (not this event loop). */
function load(url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [AUTOCANNON, "-c", "16", "-d", "3", "-j", "-H", `authorization=Bearer ${key}`, url],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        const r = JSON.parse(stdout) as { non2xx: number; requests: { average: number } };
        if (r.non2xx) return reject(new Error(`${url}: ${r.non2xx} non-2xx answers`));
        resolve(r.requests.average);
      },
    ),
  );
}

/**
 * The rate limiter's cost: an authenticated GET of one instance with a tenant's service key (the plan's budget:
 * a tenant lookup, a role check and one upsert in the store), limiter on vs off, in the same run on two
 * identical installs. Sequential keep-alive requests for p50/p99, then autocannon in a process of its own for
 * requests/s; rounds interleave so load on the host falls on both sides alike. The budget is raised so nothing
 * is refused: at this rate the limiter takes blocks of 100 numbers (docs/api.md#rate-limits).
 */
export async function benchRateLimit(
  options: { requests?: number; rounds?: number } = {},
): Promise<string[]> {
  const requests = options.requests ?? 1000;
  const rounds = options.rounds ?? 6;
  const off = await side("limiter off                ", { min: 54400, max: 54432 }, "off");
  const on = await side("limiter on (blocks)        ", { min: 54433, max: 54465 }, "blocks");
  const exact = await side("limiter on (a write each)  ", { min: 54466, max: 54499 }, "exact");
  const sides = [off, on, exact];
  try {
    for (const s of sides) await timed(200, (i) => call(s.base, "GET", PATH(i), s.key)); // warm-up
    for (let round = 0; round < rounds; round++)
      for (const s of round % 2 ? [...sides].reverse() : sides)
        s.latencies.push(...(await timed(requests, (i) => call(s.base, "GET", PATH(i), s.key))));
    for (let round = 0; round < 4; round++)
      for (const s of round % 2 ? [...sides].reverse() : sides)
        s.rps.push(await load(`${s.base}${PATH(1)}`, s.key));
    const p50 = (s: Side) => percentile(s.latencies, 50);
    const p99 = (s: Side) => percentile(s.latencies, 99);
    const rps = (s: Side) => s.rps.reduce((a, b) => a + b, 0) / s.rps.length;
    const rowOf = (s: Side) =>
      `${s.name}  p50 ${p50(s).toFixed(3).padStart(7)} ms  p99 ${p99(s).toFixed(3).padStart(7)} ms  ${rps(s).toFixed(0).padStart(6)} req/s`;
    const ratio = (s: Side) =>
      `${s.name.trimEnd()} / off`.padEnd(s.name.length) +
      `  p50 ${(p50(s) / p50(off)).toFixed(2)}x     p99 ${(p99(s) / p99(off)).toFixed(2)}x     req/s ${(rps(s) / rps(off)).toFixed(2)}x`;
    return [
      `rate limits: GET /v1/tenants/{t}/instances/{name} with a service key (the plan's budget), ${rounds} x ${requests} sequential, then autocannon (own process) 16 connections 4 x 3 s, interleaved`,
      ...sides.map(rowOf),
      ratio(on),
      ratio(exact),
    ];
  } finally {
    for (const s of sides) await s.dispose();
  }
}

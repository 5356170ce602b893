import autocannon from "autocannon";
import { newSpec } from "../src/domain/instanceSpec.js";
import { newId } from "../src/domain/names.js";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { updateInstance } from "../src/lifecycle/updateInstance.js";
import type { Platform } from "../src/platform.js";
import type { RouteSync } from "../src/proxy/routeSync.js";
import { atFixedRate } from "./fixedRate.js";
import { benchActor, benchPlatform, quiet, readyInstanceRow } from "./platformFixture.js";
import { median, percentile } from "./stats.js";
import { summarize, summarizeTimings } from "./summary.js";

const PROXY_PORT = 18190;

/** Synthetic active instances (ready, one replica each on a made-up port): rows only, no containers. */
async function seedRoutes(p: Platform, from: number, to: number): Promise<void> {
  const spec = JSON.stringify(
    newSpec(p.catalog.get("static-site"), {}, p.plans.defaultPlan.defaultResources),
  );
  const now = new Date().toISOString();
  await p.store.db.transaction().execute(async (trx) => {
    for (let i = from; i < to; i++) {
      const tenantId = newId();
      const id = newId();
      await trx
        .insertInto("tenants")
        .values({ id: tenantId, name: `t${i}`, status: "active", created_at: now, updated_at: now })
        .execute();
      await trx
        .insertInto("instances")
        .values(
          readyInstanceRow({
            id: id,
            tenant_id: tenantId,
            name: "web",
            plug_id: "static-site",
            plug_version: "1.0.0",
            spec,
          }),
        )
        .execute();
      await trx
        .insertInto("allocations")
        .values({
          port: 20_000 + i,
          instance_id: id,
          service: "web",
          port_name: "http",
          replica: 1,
          created_at: now,
        })
        .execute();
    }
  });
}

/** Flips one synthetic instance between ready and suspended, as a transition would. */
async function flip(p: Platform, i: number, state: "ready" | "suspended"): Promise<void> {
  const tenant = await p.store.db
    .selectFrom("tenants")
    .select("id")
    .where("name", "=", `t${i}`)
    .executeTakeFirstOrThrow();
  await p.store.db
    .updateTable("instances")
    .set({ observed_state: state })
    .where("tenant_id", "=", tenant.id)
    .execute();
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
/** Hundredths of a millisecond: what a proxy adds below saturation is a fraction of one. */
const fine = (v: number) => `${v.toFixed(2)} ms`;
const added = (v: number) => `${v >= 0 ? "+" : "−"}${fine(Math.abs(v))}`;

interface Load {
  rps: number;
  p99: number;
  errors: number;
  timeouts: number;
}

/** Latency at a fixed request rate below saturation: what a user of the app feels the proxy add. */
async function atRate(url: string, rate: number, host?: string): Promise<{ p50: number; p99: number }> {
  const r = await atFixedRate(url, { rate, durationMs: 5000, connections: 8, ...(host ? { host } : {}) });
  if (r.failed) throw new Error(`${url}: ${r.failed} of ${r.sent} requests failed`);
  return r;
}

const failures = (rs: Load[]) => rs.reduce((n, r) => n + r.errors, 0);

async function load(url: string, host?: string): Promise<Load> {
  const r = await autocannon({ url, connections: 16, duration: 5, ...(host ? { headers: { host } } : {}) });
  if (r.non2xx) throw new Error(`${url}: ${r.non2xx} non-2xx answers`);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors, timeouts: r.timeouts };
}

/**
 * The reverse proxy: (1) regenerate + validate + reload with 10, 100 and 1000 routes (synthetic rows in
 * a throw-away store: every apply is a real change, one instance's state flipped); (2) 100 state
 * changes in a row and how many reloads they cost; (3) requests/s and p99 of a real node-api
 * instance through nginx vs straight to its container port, same run, as a ratio.
 */
export async function benchProxy(): Promise<string[]> {
  const { p, dispose } = await benchPlatform(
    { min: 53500, max: 53999 },
    { proxy: { enabled: true, port: PROXY_PORT, workerProcesses: 1 } },
  );
  const routes = (await p.reconciler()).proxy as RouteSync;
  const out: string[] = [];
  try {
    let seeded = 0;
    for (const n of [10, 100, 1000]) {
      await seedRoutes(p, seeded, n);
      seeded = n;
      await routes.ensure();
      // Instances 0-9 go suspended, back to ready, suspended again: each apply a new configuration.
      const target = n === 100 ? "ready" : "suspended";
      const total: number[] = [];
      const stage: Record<string, number[]> = { render: [], write: [], validate: [], reload: [] };
      for (let k = 0; k < 10; k++) {
        await flip(p, k, target);
        const t0 = performance.now();
        await routes.ensure();
        total.push(performance.now() - t0);
        const r = routes.lastResult;
        if (!r?.changed || routes.lastError)
          throw new Error(`apply did not change: ${routes.lastError?.message}`);
        for (const [key, v] of Object.entries(r.stages)) stage[key]!.push(v);
      }
      summarizeTimings(`proxy apply (render, nginx -t, reload), ${n} routes`, total);
      out.push(
        `proxy apply, ${String(n).padStart(4)} routes      median ${ms(median(total))}  p95 ${ms(percentile(total, 95))}` +
          `  (render ${ms(median(stage.render!))}, write ${ms(median(stage.write!))}, nginx -t ${ms(median(stage.validate!))}, reload ${ms(median(stage.reload!))})`,
      );
    }

    const before = routes.reloads;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      await flip(p, i, i % 2 === 0 ? "suspended" : "ready");
      routes.request();
    }
    await routes.flush();
    out.push(
      `100 state changes in a row          ${routes.reloads - before} reload(s), all live after ${ms(performance.now() - t0)} (1000 routes)`,
    );

    // node-api's /healthz: keep-alive, no fork per request, and its CPU limit lifted to the host's two
    // cores, so the upstream has headroom and what differs between the two paths is the proxy.
    const deployed = await deployInstance(
      p,
      { plug: "node-api", tenant: "bench", name: "api" },
      benchActor,
      quiet,
    );
    if (deployed.kind !== "deployed") throw new Error("node-api did not deploy");
    const api = await updateInstance(p, { tenant: "bench", name: "api", cpu: 2 }, benchActor, quiet);
    await routes.flush();
    const direct = `${api.url}healthz`;
    const proxied = `http://127.0.0.1:${PROXY_PORT}/healthz`;
    const host = "api.bench.localhost";
    await load(direct);
    await load(proxied, host);
    const d: Load[] = [];
    const x: Load[] = [];
    for (let round = 0; round < 2; round++) {
      d.push(await load(direct));
      x.push(await load(proxied, host));
    }
    const avg = (rs: Load[], k: "rps" | "p99") => rs.reduce((s, r) => s + r[k], 0) / rs.length;
    out.push(
      `direct to the container port        ${avg(d, "rps").toFixed(0)} req/s  p99 ${avg(d, "p99").toFixed(1)} ms  socket errors ${failures(d)}`,
      `through the proxy (Host header)     ${avg(x, "rps").toFixed(0)} req/s  p99 ${avg(x, "p99").toFixed(1)} ms  socket errors ${failures(x)}`,
      `proxy / direct                      req/s ${(avg(x, "rps") / avg(d, "rps")).toFixed(2)}x  p99 ${(avg(x, "p99") / avg(d, "p99")).toFixed(2)}x` +
        "  (autocannon, 16 connections, 2 x 5 s each, interleaved; 1 nginx worker, 2 cores shared with the load generator)",
    );
    summarize({
      figure: "proxy, saturated (16 connections)",
      measured: `${avg(x, "rps").toFixed(0)} req/s, p99 ${avg(x, "p99").toFixed(1)} ms`,
      baseline: `direct: ${avg(d, "rps").toFixed(0)} req/s, p99 ${avg(d, "p99").toFixed(1)} ms`,
      ratio: `${(avg(x, "rps") / avg(d, "rps")).toFixed(2)}× req/s, ${(avg(x, "p99") / avg(d, "p99")).toFixed(2)}× p99`,
      goal: "report (≥ 0.85× good)",
    });
    for (const rate of [500, 2000]) {
      const direct1 = await atRate(direct, rate);
      const proxied1 = await atRate(proxied, rate, host);
      summarize({
        figure: `latency the proxy adds at ${rate} req/s`,
        measured: `p50 ${fine(proxied1.p50)}, p99 ${fine(proxied1.p99)}`,
        baseline: `direct: p50 ${fine(direct1.p50)}, p99 ${fine(direct1.p99)}`,
        ratio: `${added(proxied1.p50 - direct1.p50)} p50, ${added(proxied1.p99 - direct1.p99)} p99`,
        goal: "≤ +0.3 ms p50, ≤ +1 ms p99",
      });
      out.push(
        `at ${String(rate).padStart(4)} req/s: direct p50 ${fine(direct1.p50)} p99 ${fine(direct1.p99)}, proxied p50 ${fine(proxied1.p50)} p99 ${fine(proxied1.p99)}` +
          `  → the proxy adds ${added(proxied1.p50 - direct1.p50)} at p50, ${added(proxied1.p99 - direct1.p99)} at p99 (open loop, 8 keep-alive connections, 5 s each)`,
      );
    }
  } finally {
    await dispose();
  }
  return out;
}

import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiServer, ensureOperatorKey } from "../src/api/server.js";
import { loadConfig } from "../src/config.js";
import { createPlatform, type Platform } from "../src/platform.js";
import { withTransaction } from "../src/store/database.js";
import { recordChange } from "../src/store/recordChange.js";
import { call, timed } from "./httpCalls.js";
import { seedReadyInstances } from "./platformFixture.js";
import { percentile } from "./stats.js";

const row = (label: string, values: number[]) =>
  `${label.padEnd(52)} p50 ${percentile(values, 50).toFixed(2).padStart(8)} ms  p99 ${percentile(values, 99).toFixed(2).padStart(8)} ms  n=${values.length}`;

/** 1,000 instance rows in 10 tenants, written straight to the store (the API's reads are what is measured). */
async function seed(p: Platform, instances: number): Promise<void> {
  await seedReadyInstances(p, {
    tenants: Array.from({ length: 10 }, (_, t) => `bench-${t}`),
    instances,
    plan: "sovereign",
  });
}

/** SSE event latency: `subscribers` streams in a child process, `events` events written and nudged here. */
async function sseLatency(
  p: Platform,
  base: string,
  key: string,
  subscribers: number,
  events: number,
  nudge: () => void,
) {
  const child = fork(
    join(import.meta.dirname, "sseClients.ts"),
    [`${base}/v1/events?topics=bench.*`, key, String(subscribers)],
    {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const message = <T>(pick: (m: Record<string, unknown>) => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      child.on("message", (m: Record<string, unknown>) => {
        const v = pick(m);
        if (v !== undefined) resolve(v);
      });
      child.once("exit", (code, signal) =>
        reject(new Error(`sse client process ended early (${signal ?? code})`)),
      );
    });
  await message((m) => m.ready);
  const done = message((m) => m.latencies as number[] | undefined);
  child.send({ expect: subscribers * events });
  for (let i = 0; i < events; i++) {
    await withTransaction(p.store.db, (trx) =>
      recordChange(trx, {
        event: {
          type: "bench.tick",
          tenantId: null,
          subject: null,
          data: { t0: performance.timeOrigin + performance.now() },
        },
        audit: { actor: "bench", source: "bench", action: "bench.tick", target: "bench", result: "ok" },
      }),
    );
    nudge();
    // Far enough apart that one event's fan-out is done before the next: this measures latency, not backlog.
    await new Promise((r) => setTimeout(r, subscribers > 5000 ? 1500 : 200));
  }
  const latencies = await done;
  child.kill();
  return latencies;
}

/**
 * API benchmark: p50/p99 of GET /v1/instances and of an instance action with 1,000 instances in the store,
 * and SSE delivery latency p99 with 1,000 and 10,000 subscribers (clients in a child process).
 */
export async function benchApi(
  options: { instances?: number; requests?: number; subscribers?: number[] } = {},
): Promise<string[]> {
  const instances = options.instances ?? 1000;
  const requests = options.requests ?? 500;
  const subscriberCounts = options.subscribers ?? [1000, 10_000];
  const dataDir = mkdtempSync(join(tmpdir(), "aims-bench-api-"));
  // Every subscriber streams with the one operator key, far past the default caps (200 a key, 2,000 a tenant);
  // the sum, since one round's streams may still be closing while the next opens.
  const streamCap = subscriberCounts.reduce((sum, n) => sum + n, 1);
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      ports: { min: 52900, max: 52999 },
      logLevel: "silent",
      proxy: { enabled: false },
      api: {
        maxStreamsPerKey: streamCap,
        maxStreamsPerTenant: streamCap,
        // The operator's budget raised past the 11,000 streams and 1,700 requests here: counted, never refused.
        rateLimit: { operatorPerMinute: 10_000_000 },
      },
    },
  });
  const p = await createPlatform(config);
  const out: string[] = [];
  try {
    const key = readFileSync((await ensureOperatorKey(p)).path, "utf8").trim();
    await seed(p, instances);
    const app = await createApiServer(p);
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    await timed(50, () => call(base, "GET", "/v1/instances", key)); // warm-up
    out.push(
      row(
        `GET /v1/instances (${instances} in store, page 50)`,
        await timed(requests, () => call(base, "GET", "/v1/instances", key)),
      ),
    );
    out.push(
      row(
        `GET /v1/instances?limit=200`,
        await timed(requests, () => call(base, "GET", "/v1/instances?limit=200", key)),
      ),
    );
    out.push(
      row(
        `GET /v1/tenants/{t}/instances/{name}`,
        await timed(requests, (i) =>
          call(base, "GET", `/v1/tenants/bench-${i % 10}/instances/inst-${i}`, key),
        ),
      ),
    );
    // stop: records the desired state (event + audit) and lets the reconciler settle it (one engine round trip).
    out.push(
      row(
        "POST …/actions/stop (distinct instances)",
        await timed(Math.min(200, instances), (i) =>
          call(base, "POST", `/v1/tenants/bench-${i % 10}/instances/inst-${i}/actions/stop`, key, {}),
        ),
      ),
    );
    for (const subscribers of subscriberCounts) {
      const latencies = await sseLatency(p, base, key, subscribers, 10, () => app.aims.hub.nudge());
      out.push(row(`SSE event latency, ${subscribers} subscribers`, latencies));
    }
    await app.close();
  } finally {
    await p.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

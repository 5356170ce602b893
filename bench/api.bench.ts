import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createApiServer, ensureOperatorKey } from "../src/api/server.js";
import { loadConfig } from "../src/config.js";
import { createPlatform, type Platform } from "../src/platform.js";
import { withTransaction } from "../src/store/database.js";
import { recordChange } from "../src/store/recordChange.js";
import { startBareEventServer } from "./bareEventServer.js";
import { call, timed } from "./httpCalls.js";
import { seedReadyInstances } from "./platformFixture.js";
import { percentile } from "./stats.js";
import { summarize } from "./summary.js";

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

/** What one round of the SSE benchmark measured, in ms. */
interface SseRound {
  /** Each delivery, from the event's write (before its transaction) to its arrival in a client process. */
  latencies: number[];
  /** Each event's fan-out: from the server having it (AIMS: the hub read it) to its last socket write made. */
  fanOut: number[];
  /** CPU time of this process (the server) per event while the events are written and fanned out. */
  cpuPerEvent: number;
}

/** One client process holding `count` streams; resolves once they are open. */
async function openClients(url: string, key: string, count: number) {
  const child = fork(join(import.meta.dirname, "sseClients.ts"), [url, key, String(count)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
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
  return {
    /** Resolves with every delivery's latency once `events` events reached each of its streams. */
    collect(events: number): Promise<number[]> {
      const done = message((m) => m.latencies as number[] | undefined);
      child.send({ expect: count * events });
      return done;
    },
    stop: () => child.kill(),
  };
}

/** Calls `then` with the time once the writes node defers to the end of this tick (a response's cork) are made. */
const afterWrites = (then: (at: number) => void) => setImmediate(() => then(performance.now()));

/**
 * One round: `subscribers` streams of `url` spread over `processes` client processes, then `events` events, each
 * sent by `emit` with its `t0` (epoch ms) and far enough apart that one's fan-out is done before the next.
 */
async function sseRound(
  url: string,
  key: string,
  subscribers: number,
  processes: number,
  events: number,
  emit: (t0: number) => Promise<void>,
): Promise<Omit<SseRound, "fanOut">> {
  const shares = Array.from(
    { length: processes },
    (_, i) => Math.floor(subscribers / processes) + (i < subscribers % processes ? 1 : 0),
  );
  const clients = await Promise.all(shares.map((count) => openClients(url, key, count)));
  try {
    const done = Promise.all(clients.map((c) => c.collect(events)));
    const cpu = process.cpuUsage();
    for (let i = 0; i < events; i++) {
      await emit(performance.timeOrigin + performance.now());
      // This measures latency, not backlog.
      await new Promise((r) => setTimeout(r, subscribers > 5000 ? 1500 : 200));
    }
    const latencies = (await done).flat();
    const used = process.cpuUsage(cpu);
    return { latencies, cpuPerEvent: (used.user + used.system) / 1000 / events };
  } finally {
    for (const c of clients) c.stop();
  }
}

/** SSE through AIMS: each event written to the store and nudged, as an API mutation does; the hub times its fan-out. */
async function aimsRound(
  p: Platform,
  app: Awaited<ReturnType<typeof createApiServer>>,
  base: string,
  key: string,
  subscribers: number,
  processes: number,
  events: number,
): Promise<SseRound> {
  const fanOut: number[] = [];
  app.aims.hub.observeFanOut((pass) => {
    // An event of the API calls above reaches no stream: not one of ours.
    if (pass.deliveries) afterWrites((at) => fanOut.push(at - pass.readAt));
  });
  try {
    const round = await sseRound(
      `${base}/v1/events?topics=bench.*`,
      key,
      subscribers,
      processes,
      events,
      async (t0) => {
        await withTransaction(p.store.db, (trx) =>
          recordChange(trx, {
            event: { type: "bench.tick", tenantId: null, subject: null, data: { t0 } },
            audit: { actor: "bench", source: "bench", action: "bench.tick", target: "bench", result: "ok" },
          }),
        );
        app.aims.hub.nudge();
      },
    );
    return { ...round, fanOut };
  } finally {
    app.aims.hub.observeFanOut(undefined);
  }
}

/** The same round against the bare node server: the floor of handing one frame to N sockets on this host. */
async function bareRound(subscribers: number, processes: number, events: number): Promise<SseRound> {
  const bare = await startBareEventServer();
  const fanOut: number[] = [];
  let seq = 0;
  try {
    const round = await sseRound(bare.url, "", subscribers, processes, events, async (t0) => {
      const start = performance.now();
      bare.send(++seq, { t0 });
      afterWrites((at) => fanOut.push(at - start));
    });
    return { ...round, fanOut };
  } finally {
    await bare.close();
  }
}

/**
 * API benchmark: p50/p99 of GET /v1/instances and of an instance action with 1,000 instances in the store,
 * and SSE delivery latency p99 with 1,000 and 10,000 subscribers (clients in `clientProcesses` child processes,
 * default BENCH_SSE_PROCESSES or the host's parallelism), with the server's share of it.
 */
export async function benchApi(
  options: { instances?: number; requests?: number; subscribers?: number[]; clientProcesses?: number } = {},
): Promise<string[]> {
  const processes =
    options.clientProcesses ?? Number(process.env.BENCH_SSE_PROCESSES ?? availableParallelism());
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
        // No heartbeat (10,000 writes and a re-check) inside the measured rounds: each event is timed alone.
        sseHeartbeatMs: 300_000,
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
      const bare = await bareRound(subscribers, processes, 10);
      const aims = await aimsRound(p, app, base, key, subscribers, processes, 10);
      summarize({
        figure: `SSE event latency, ${subscribers.toLocaleString("en")} subscribers`,
        measured: `p50 ${percentile(aims.latencies, 50).toFixed(1)} ms, p99 ${percentile(aims.latencies, 99).toFixed(1)} ms`,
        baseline: `bare node writing the same frame: p50 ${percentile(bare.latencies, 50).toFixed(1)} ms, p99 ${percentile(bare.latencies, 99).toFixed(1)} ms`,
        ratio: `${(percentile(aims.latencies, 99) / percentile(bare.latencies, 99)).toFixed(2)}× p99; CPU per event ${(aims.cpuPerEvent / bare.cpuPerEvent).toFixed(2)}×`,
        ...(subscribers === 10_000 ? { goal: "p99 < 100 ms" } : {}),
      });
      out.push(row(`SSE event latency, ${subscribers} subscribers`, aims.latencies));
      out.push(row(`  bare node, the same frame to ${subscribers} sockets`, bare.latencies));
      out.push(row(`  server fan-out (hub read → last write made)`, aims.fanOut));
      out.push(row(`  bare node's write loop`, bare.fanOut));
      out.push(
        `${"  server CPU per event".padEnd(52)} ${aims.cpuPerEvent.toFixed(1)} ms (bare node ${bare.cpuPerEvent.toFixed(1)} ms); ${processes} client processes`,
      );
    }
    await app.close();
  } finally {
    await p.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

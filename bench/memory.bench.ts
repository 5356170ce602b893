import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../src/config.js";
import { createPlatform } from "../src/platform.js";
import { removeEngineObjects, seedReadyInstances } from "./platformFixture.js";
import { measureServe, residentMiB, type ServeMemory } from "./serveProcess.js";
import { median } from "./stats.js";
import { summarize } from "./summary.js";

const ROOT = resolve(import.meta.dirname, "..");
/** A module of tsc's dist/ (unbundled: what one of our modules costs with its own imports). */
const dist = (path: string) => pathToFileURL(join(ROOT, "dist", path)).href;
/** The engine driver as the CLI bundle holds it (dockerode bundled, its SSH and BuildKit parts left out). */
function bundledDockerDriver(): string {
  const chunks = join(ROOT, "dist/cli/chunks");
  const file = readdirSync(chunks).find((f) => /^DockerDriver-.*\.js$/.test(f));
  if (!file) throw new Error("no DockerDriver chunk in dist/cli/chunks: run `npm run build`");
  return pathToFileURL(join(chunks, file)).href;
}

/**
 * The big modules of `aims serve`, each loaded (and used once, as serve would) alone in a fresh node: what
 * it adds to a bare node. Alone, a module pays for what it shares with others (fastify and prom-client both
 * bring their own small packages; the first modules loaded grow V8's young generation), so the rows do not add up to serve's total.
 */
function moduleCases(scratch: string): Array<{ label: string; code: string }> {
  const routes = dist("api/routes/index.js");
  return [
    {
      label: "fastify (a server, no routes)",
      code: `const app = (await import("fastify")).default(); await app.ready();`,
    },
    { label: "route table (zod schemas, handlers)", code: `await import(${JSON.stringify(routes)});` },
    {
      label: "route table + OpenAPI document",
      code: `const { apiRoutes } = await import(${JSON.stringify(routes)}); (await import(${JSON.stringify(dist("api/openapi.js"))})).buildOpenApi(apiRoutes);`,
    },
    { label: "zod", code: `await import("zod");` },
    {
      label: "argon2 (one hash, default cost)",
      code: `const a = (await import("argon2")).default; await a.hash("a password of some length", { type: a.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });`,
    },
    {
      label: "nginx renderer (the proxy's driver)",
      code: `await import(${JSON.stringify(dist("proxy/nginx/NginxDriver.js"))});`,
    },
    { label: "dockerode (node_modules)", code: `new ((await import("dockerode")).default)();` },
    {
      label: "dockerode (as the CLI bundles it)",
      code: `const { DockerDriver } = await import(${JSON.stringify(bundledDockerDriver())}); new DockerDriver({ socketPath: "/var/run/docker.sock", pullTimeoutMs: 1000 });`,
    },
    {
      label: "kysely + better-sqlite3 (a store)",
      code: `const s = await (await import(${JSON.stringify(dist("store/database.js"))})).openStore({ databaseUrl: "sqlite://aims.db", dataDir: ${JSON.stringify(scratch)} }); await s.db.selectFrom("instances").selectAll().execute();`,
    },
    {
      label: "prom-client (registry, default metrics)",
      code: `const p = await import("prom-client"); const r = new p.Registry(); p.collectDefaultMetrics({ register: r }); await r.metrics();`,
    },
    {
      label: "pino (the logger)",
      code: `(await import(${JSON.stringify(dist("logger.js"))})).createLogger("info").info("x");`,
    },
    {
      label: "catalog (built-in, loaded)",
      code: `(await import(${JSON.stringify(dist("catalog/loadCatalog.js"))})).loadCatalog([${JSON.stringify(join(ROOT, "catalog"))}]);`,
    },
  ];
}

/** Resident memory and live heap (after a full GC) of a node that ran `code`, held open for half a second. */
function measureModule(code: string): Promise<{ rss: number; heap: number }> {
  const script = `${code}
await new Promise((r) => setTimeout(r, 500));
const rss = process.memoryUsage().rss; globalThis.gc(); const heap = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ rss: rss / 1048576, heap: heap / 1048576 }));`;
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      ["--expose-gc", "--input-type=module", "-e", script],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: "" } },
      (err, stdout, stderr) =>
        err ? fail(new Error(`${err.message}\n${stderr}`)) : done(JSON.parse(stdout)),
    ),
  );
}

/** Resident memory of a bare node holding its process open (a timer), read after `settleMs`. */
async function bareNodeMiB(settleMs = 3000): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
  await sleep(settleMs);
  const { rss } = residentMiB(child.pid!);
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return rss;
}

/** The medians of several starts. */
function medianOf(runs: ServeMemory[]): ServeMemory {
  const pick = (k: keyof ServeMemory) => median(runs.map((r) => r[k]));
  return { rss: pick("rss"), peak: pick("peak"), heapUsed: pick("heapUsed"), heapTotal: pick("heapTotal") };
}

const mib = (x: number) => `${x.toFixed(1).padStart(6)} MiB`;

/**
 * Control-plane memory: the compiled `aims serve` (proxy off) idle on an empty store and with 1,000 instances in
 * the store, against a bare node held open, medians of `runs` starts (each read once a second for `settleMs`:
 * two reconcile ticks and a sample pass at the defaults); then what each big module adds to a bare node alone.
 * The 1,000 instances are rows written straight to the store (100 tenants), desired and observed stopped:
 * the reconciler, the alert loop and the sampler read them every tick, and none asks for a container.
 * `compare`: another build's dist/cli/main.js (an older commit's), started in the same rounds; its rows are
 * marked "(compare)".
 */
export async function benchMemory(
  runs = 3,
  settleMs = 12_000,
  print: (line: string) => void = () => {},
  compare?: string,
): Promise<string[]> {
  const out: string[] = [];
  const emit = (row: string) => {
    out.push(row);
    print(row);
  };
  const ports = "59200-59399";
  const empty = mkdtempSync(join(tmpdir(), "aims-bench-mem-"));
  const full = mkdtempSync(join(tmpdir(), "aims-bench-mem-"));
  const scratch = mkdtempSync(join(tmpdir(), "aims-bench-mem-"));
  const platformOf = (dataDir: string) =>
    createPlatform(
      loadConfig({ env: {}, overrides: { dataDir, logLevel: "silent", proxy: { enabled: false } } }),
    );
  try {
    const p = await platformOf(full);
    try {
      await seedReadyInstances(p, {
        tenants: Array.from({ length: 100 }, (_, i) => `mem-${i}`),
        instances: 1000,
        plan: "sovereign",
        state: "stopped",
      });
    } finally {
      await p.close();
    }
    // A first start of each: it creates the operator account (one argon2 hash) and is not measured.
    for (const dir of [empty, full]) await measureServe(dir, ports, { settleMs: 1000 });
    const cases: Array<{
      label: string;
      dir: string;
      nodeFlags?: string[];
      env?: Record<string, string>;
      cli?: string;
    }> = [
      { label: "aims serve idle, empty store", dir: empty },
      { label: "  same, monitor off (no sampler, no autoscaler)", dir: empty, env: { AIMS_MONITOR: "off" } },
      { label: "  same, --max-semi-space-size=2", dir: empty, nodeFlags: ["--max-semi-space-size=2"] },
      { label: "aims serve, 1,000 instances in the store", dir: full },
      { label: "  same, --max-semi-space-size=2", dir: full, nodeFlags: ["--max-semi-space-size=2"] },
      ...(compare
        ? [
            { label: "aims serve idle, empty store (compare)", dir: empty, cli: resolve(compare) },
            { label: "aims serve, 1,000 instances (compare)", dir: full, cli: resolve(compare) },
          ]
        : []),
    ];
    const results = cases.map(() => [] as ServeMemory[]);
    const bare: number[] = [];
    // Interleaved rounds, so drift on the host touches every case alike.
    for (let round = 0; round < runs; round++) {
      bare.push(await bareNodeMiB());
      for (const [i, c] of cases.entries())
        results[i]!.push(
          await measureServe(c.dir, ports, { settleMs, nodeFlags: c.nodeFlags, env: c.env, cli: c.cli }),
        );
    }
    const base = median(bare);
    emit(
      `control-plane memory (aims serve, compiled, proxy off; median of ${runs} starts, RSS read each second for ${settleMs / 1000} s)`,
    );
    emit(`  ${"bare node held open (baseline)".padEnd(48)} RSS ${mib(base)}`);
    const goals: Record<string, string> = {
      "aims serve idle, empty store": "< 80 MiB",
      "aims serve, 1,000 instances in the store": "< 100 MiB",
    };
    for (const [i, c] of cases.entries()) {
      const m = medianOf(results[i]!);
      summarize({
        figure: `RSS: ${c.label.trim()}`,
        measured: `${m.rss.toFixed(1)} MiB (live heap ${m.heapUsed.toFixed(1)} MiB)`,
        baseline: `bare node held open: ${base.toFixed(1)} MiB`,
        ratio: `+${(m.rss - base).toFixed(1)} MiB`,
        ...(goals[c.label] ? { goal: goals[c.label] } : {}),
      });
      emit(
        `  ${c.label.padEnd(48)} RSS ${mib(m.rss)}  ${(m.rss / base).toFixed(2)}x bare  peak ${mib(m.peak)}  heap ${m.heapUsed.toFixed(1)} used / ${m.heapTotal.toFixed(1)} MiB`,
      );
    }

    emit(
      `what each big module adds to a bare node, alone (median of ${runs}; RSS / live heap after a full GC)`,
    );
    const bareModule: Array<{ rss: number; heap: number }> = [];
    const cost = moduleCases(scratch);
    const costs = cost.map(() => [] as Array<{ rss: number; heap: number }>);
    for (let round = 0; round < runs; round++) {
      bareModule.push(await measureModule(""));
      for (const [i, c] of cost.entries()) costs[i]!.push(await measureModule(c.code));
    }
    const baseRss = median(bareModule.map((m) => m.rss));
    const baseHeap = median(bareModule.map((m) => m.heap));
    emit(`  ${"bare node (baseline)".padEnd(48)} RSS ${mib(baseRss)}  heap ${mib(baseHeap)}`);
    for (const [i, c] of cost.entries()) {
      const rss = median(costs[i]!.map((m) => m.rss)) - baseRss;
      const heap = median(costs[i]!.map((m) => m.heap)) - baseHeap;
      emit(
        `  ${c.label.padEnd(48)} RSS +${rss.toFixed(1).padStart(5)} MiB  heap +${heap.toFixed(1).padStart(5)} MiB`,
      );
    }
  } finally {
    // The servers filled each store's warm network pool: those networks go with the stores.
    for (const dir of [empty, full]) {
      const p = await platformOf(dir);
      await removeEngineObjects(p).finally(() => p.close());
    }
    for (const dir of [empty, full, scratch]) rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// Alone: `npx tsx bench/memory.bench.ts` (after `npm run build`); BENCH_MEMORY_COMPARE=<other dist/cli/main.js>.
if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  await benchMemory(
    Number(process.env.BENCH_MEMORY_RUNS ?? 3),
    Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 12_000),
    console.log,
    process.env.BENCH_MEMORY_COMPARE,
  );
}

import { benchApi } from "./api.bench.js";
import { benchChat } from "./chat.bench.js";
import { benchCliDeploy } from "./cliDeploy.bench.js";
import { benchCliStartup } from "./cliStartup.bench.js";
import { benchDashboard } from "./dashboard.bench.js";
import { benchDeploy } from "./deploy.bench.js";
import { benchIntent } from "./intent.bench.js";
import { benchMemory } from "./memory.bench.js";
import { benchMonitor } from "./monitor.bench.js";
import { benchProxy } from "./proxy.bench.js";
import { benchQuota } from "./quota.bench.js";
import { benchRateLimit } from "./ratelimit.bench.js";
import { benchReconcile } from "./reconcile.bench.js";
import { benchStore } from "./store.bench.js";
import { summaryTable } from "./summary.js";

/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run.
 * BENCH_N (default 10) sequential deploys; BENCH_MAX_INSTANCES (default 500) for the reconcile tick;
 * BENCH_CLI_RUNS (default 15) rounds of CLI start-up; BENCH_CLI_COMPARE another build's bin/aims.js to time alongside;
 * BENCH_DOCK_RUNS (default 3) scripted newcomer runs in the dashboard.
 * BENCH_ONLY=cli|clideploy|deploy|reconcile|api|proxy|store|dock runs one (store: SQLite vs PostgreSQL, needs a local server;
 * clideploy: `aims deploy` as a process of its own against a raw `docker run`, BENCH_N runs, BENCH_CLI_COMPARE too);
 * BENCH_ONLY=intent: ACHEEVY's intent engine alone (latency per utterance, accuracy on both corpora);
 * BENCH_ONLY=chat: a chat round trip for a read tool through the API, against the direct GET.
 * BENCH_ONLY=monitor: the resource sampler's cost per pass (BENCH_MONITOR_MAX containers, default 100) and the metrics query.
 * BENCH_ONLY=memory: `aims serve`'s resident memory idle and with 1,000 instances in the store, and what each big
 * module adds to a bare node (BENCH_MEMORY_RUNS starts, default 3; BENCH_MEMORY_SETTLE_MS each, default 12000;
 * BENCH_MEMORY_COMPARE another build's dist/cli/main.js to start alongside).
 * Ends with one summary table: every headline figure, its same-run baseline, the ratio and the goal it has.
 */
const n = Number(process.env.BENCH_N ?? 10);
const maxInstances = Number(process.env.BENCH_MAX_INSTANCES ?? 500);
/** BENCH_ONLY names one piece or several, comma-separated (`cli,deploy,memory`); unset runs all. */
const only = process.env.BENCH_ONLY
  ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim()))
  : undefined;
const want = (piece: string) => !only || only.has(piece);
const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 15);
const dockRuns = Number(process.env.BENCH_DOCK_RUNS ?? 3);
console.log(`AIMS benchmarks (${new Date().toISOString()}, node ${process.version})`);
if (want("cli"))
  for (const row of await benchCliStartup(cliRuns, process.env.BENCH_CLI_COMPARE)) console.log(row);
if (want("clideploy"))
  for (const row of await benchCliDeploy(n, process.env.BENCH_CLI_COMPARE)) console.log(row);
if (want("deploy")) for (const row of await benchDeploy(n)) console.log(row);
if (want("reconcile")) await benchReconcile(maxInstances, console.log);
if (want("api")) for (const row of await benchApi()) console.log(row);
if (want("proxy")) for (const row of await benchProxy()) console.log(row);
if (want("ratelimit")) for (const row of await benchRateLimit()) console.log(row);
if (want("quota")) for (const row of await benchQuota()) console.log(row);
if (want("intent")) for (const row of await benchIntent()) console.log(row);
if (want("chat")) for (const row of await benchChat()) console.log(row);
if (want("store")) for (const row of await benchStore()) console.log(row);
if (want("monitor")) await benchMonitor(console.log);
if (want("memory"))
  await benchMemory(
    Number(process.env.BENCH_MEMORY_RUNS ?? 3),
    Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 12_000),
    console.log,
    process.env.BENCH_MEMORY_COMPARE,
  );
if (want("dock")) for (const row of await benchDashboard(dockRuns)) console.log(row);
for (const row of summaryTable()) console.log(row);

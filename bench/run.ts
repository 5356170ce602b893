import { benchApi } from "./api.bench.js";
import { benchDeploy } from "./deploy.bench.js";
import { benchProxy } from "./proxy.bench.js";
import { benchReconcile } from "./reconcile.bench.js";

/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run.
 * BENCH_N (default 10) sequential deploys; BENCH_MAX_INSTANCES (default 500) for the reconcile tick.
 */
const n = Number(process.env.BENCH_N ?? 10);
const maxInstances = Number(process.env.BENCH_MAX_INSTANCES ?? 500);
const only = process.env.BENCH_ONLY;
console.log(`AIMS benchmarks (${new Date().toISOString()}, node ${process.version})`);
if (!only || only === "deploy") for (const row of await benchDeploy(n)) console.log(row);
if (!only || only === "reconcile") await benchReconcile(maxInstances, console.log);
if (!only || only === "api") for (const row of await benchApi()) console.log(row);
if (!only || only === "proxy") for (const row of await benchProxy()) console.log(row);

import { benchDeploy } from "./deploy.bench.js";

/** `npm run bench`: every benchmark, each against a baseline measured in the same run. */
const n = Number(process.env.BENCH_N ?? 10);
console.log(`AIMS benchmarks (${new Date().toISOString()}, node ${process.version})`);
for (const row of await benchDeploy(n)) console.log(row);

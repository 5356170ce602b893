import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { readNetworkPool, tendNetworkPool } from "../src/lifecycle/networkPool.js";
import { removeInstance } from "../src/lifecycle/removeInstance.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { listInstances } from "../src/store/instanceRepository.js";
import { portIsFree } from "../test/support/http.js";
import { waitFor200 } from "./deploy.bench.js";
import { benchActor, benchPlatform, quiet } from "./platformFixture.js";
import { line, median } from "./stats.js";
import { summarizeTimings } from "./summary.js";

const exec = promisify(execFile);

/** What a person runs: bin/aims.js, which loads the compiled CLI (`npm run bench` builds it first). */
const AIMS = resolve(import.meta.dirname, "../bin/aims.js");

/** The instances' port range; the raw runs publish on the 100 ports above it. */
const PORTS = { min: 59400, max: 59499 };
const RAW_PORT = 59500;

/**
 * A port of the raw runs' range nothing holds now, from the `i`th on: the range lies in the kernel's ephemeral
 * ports, so another program's connection may hold one for a moment.
 */
async function rawPort(i: number): Promise<number> {
  for (let k = 0; k < 100; k++) {
    const port = RAW_PORT + ((i + k) % 100);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${RAW_PORT}-${RAW_PORT + 99}`);
}

/** One CLI process from spawn to exit: its wall time (ms) and what it printed; a failed command fails the bench. */
async function timedAims(
  args: string[],
  env: NodeJS.ProcessEnv,
  bin = AIMS,
): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  const { stdout } = await exec(process.execPath, [bin, ...args], { env });
  return { ms: performance.now() - t0, stdout };
}

/**
 * `aims deploy static-site` as a person runs it (a process of its own, proxy off, the store and engine of a
 * throw-away install) to healthy, against a raw `docker run` + poll for HTTP 200 of the same image, interleaved,
 * `n` runs each (at least 10). The same deploy in this process (deployInstance, as bench/deploy.bench.ts times it)
 * tells the CLI's own cost from the deploy's. A warm-up deploy first builds the image; between deploys the warm
 * network pool is refilled (untimed), as `aims serve`'s tick keeps it. `aims rm` against `docker rm -f` likewise. `compare`: another
 * build's bin/aims.js, timed in the same rounds on the same install; its rows are marked "(compare)".
 */
export async function benchCliDeploy(n: number, compare?: string): Promise<string[]> {
  const runs = Math.max(10, n);
  const { p, config, dispose } = await benchPlatform(PORTS);
  const env = {
    ...process.env,
    AIMS_DATA_DIR: config.dataDir,
    AIMS_PORT_RANGE: `${PORTS.min}-${PORTS.max}`,
    AIMS_PROXY: "off",
    AIMS_DEFAULT_PLAN: "sovereign",
    AIMS_MEMORY_OVERCOMMIT: "1000",
    AIMS_LOG_LEVEL: "silent",
    AIMS_URL: "",
    AIMS_API_KEY: "",
  };
  const deployArgs = (name: string) => [
    "deploy",
    "static-site",
    "--tenant",
    "bench",
    "--name",
    name,
    "--no-input",
  ];
  const t = { aims: [] as number[], aimsRm: [] as number[], raw: [] as number[], rawRm: [] as number[] };
  const other = { aims: [] as number[], aimsRm: [] as number[] };
  const inProcess: number[] = [];
  try {
    const reconciler = await p.reconciler();
    const warm = JSON.parse((await timedAims([...deployArgs("warm"), "--json"], env)).stdout) as {
      id: string;
    };
    const { containers } = await reconciler.runtime.listManaged({ [LABEL.instance]: warm.id });
    const image = containers[0]!.image;
    await timedAims(["rm", "warm", "--tenant", "bench", "--yes"], env);
    // The warm network pool full, as aims serve's tick keeps it between deploys (untimed).
    const fillPool = async () => {
      const known = new Set((await listInstances(p.store.db, {})).map((r) => r.id));
      await tendNetworkPool(reconciler, await readNetworkPool(reconciler), known, quiet);
    };
    const builds = [{ bin: AIMS, into: t }, ...(compare ? [{ bin: resolve(compare), into: other }] : [])];
    for (let i = 0; i < runs; i++) {
      for (const [b, build] of builds.entries()) {
        await fillPool();
        build.into.aims.push((await timedAims(deployArgs(`c${i}-${b}`), env, build.bin)).ms);
        const rm = ["rm", `c${i}-${b}`, "--tenant", "bench", "--yes"];
        build.into.aimsRm.push((await timedAims(rm, env, build.bin)).ms);
      }
      await fillPool();
      const t0p = performance.now();
      await deployInstance(p, { plug: "static-site", tenant: "bench", name: `p${i}` }, benchActor, quiet);
      inProcess.push(performance.now() - t0p);
      await removeInstance(p, { tenant: "bench", name: `p${i}` }, benchActor, quiet);

      const name = `aims-bench-cli-raw-${process.pid}-${i}`;
      const port = await rawPort(i);
      let t0 = performance.now();
      await exec("docker", ["run", "-d", "--name", name, "-p", `127.0.0.1:${port}:8080`, image]);
      await waitFor200(`http://127.0.0.1:${port}/`);
      t.raw.push(performance.now() - t0);
      t0 = performance.now();
      await exec("docker", ["rm", "-f", name]);
      t.rawRm.push(performance.now() - t0);
    }
  } finally {
    await dispose();
  }
  const raw = { label: "bare docker run + poll", values: t.raw };
  summarizeTimings("CLI deploy to healthy (a process, proxy off)", t.aims, raw, "≤ 1.30×");
  summarizeTimings("the same deploy in-process (proxy off)", inProcess, raw, "≤ 1.10×");
  summarizeTimings(
    "CLI aims rm (a process)",
    t.aimsRm,
    { label: "docker rm -f", values: t.rawRm },
    "≤ 1.30×",
  );
  return [
    `CLI deploy of static-site to healthy, a process each (${runs} runs each, interleaved; proxy off; the warm network pool refilled between deploys)`,
    line("  raw docker run + poll HTTP 200", t.raw),
    line("  aims deploy (bin/aims.js)", t.aims, t.raw),
    line("  the same deploy in-process", inProcess, t.raw),
    line("  raw docker rm -f", t.rawRm),
    line("  aims rm (bin/aims.js)", t.aimsRm, t.rawRm),
    ...(compare
      ? [
          line("  aims deploy (compare)", other.aims, t.raw),
          line("  aims rm (compare)", other.aimsRm, t.rawRm),
        ]
      : []),
    `  aims deploy over the raw run: +${(median(t.aims) - median(t.raw)).toFixed(0)} ms, of which the CLI process (over in-process) +${(median(t.aims) - median(inProcess)).toFixed(0)} ms`,
  ];
}

// Alone: `npx tsx bench/cliDeploy.bench.ts` (after `npm run build`); BENCH_N runs (default 10),
// BENCH_CLI_COMPARE=<other bin/aims.js>.
if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  const rows = await benchCliDeploy(Number(process.env.BENCH_N ?? 10), process.env.BENCH_CLI_COMPARE);
  for (const row of rows) console.log(row);
}

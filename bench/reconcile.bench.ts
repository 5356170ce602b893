import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pLimit from "p-limit";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { reconcileAll } from "../src/lifecycle/reconcileAll.js";
import { benchActor, benchPlatform, quiet } from "./platformFixture.js";
import { line } from "./stats.js";
import { summarizeTimings } from "./summary.js";

/** The compiled CLI: `npm run bench` builds dist/ first, so RSS is the real daemon, not a TypeScript loader. */
const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");

/** Resident memory of a process in MiB, from /proc. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Starts `aims serve` on the bench's data dir and returns its RSS once it has ticked and settled. */
async function serveRss(dataDir: string, ports: string): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve"], {
    // The API on a free port; the proxy off (its cost is measured by the proxy benchmark).
    env: {
      ...process.env,
      AIMS_DATA_DIR: dataDir,
      AIMS_PORT_RANGE: ports,
      AIMS_LOG_LEVEL: "silent",
      AIMS_API_PORT: "0",
      AIMS_PROXY: "off",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const deadline = Date.now() + 120_000;
  while (!out.includes("reconciler running") && Date.now() < deadline) await sleep(100);
  await sleep(3000);
  if (child.exitCode !== null) throw new Error(`aims serve exited early (${child.exitCode}): ${out}`);
  const rss = rssMiB(child.pid!);
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return rss;
}

/** Reconcile tick duration with 10, 100 and `max` running instances; control-plane RSS idle and at 100 instances. */
export async function benchReconcile(
  max: number,
  print: (line: string) => void = () => {},
): Promise<string[]> {
  const ports = { min: 56000, max: 56999 };
  const { p, config, dispose } = await benchPlatform(ports);
  const out: string[] = [];
  // Rows are printed as they are measured: tearing down 500 networks afterwards takes minutes.
  const emit = (row: string) => {
    out.push(row);
    print(row);
  };
  emit("reconcile tick, steady state (static-site instances; one engine list call per tick)");
  const portEnv = `${ports.min}-${ports.max}`;
  try {
    const idle = await serveRss(config.dataDir, portEnv);
    let deployed = 0;
    const limit = pLimit(4);
    for (const target of [10, 100, max].filter((n, i, a) => a.indexOf(n) === i && n <= max)) {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: target - deployed }, (_, k) =>
          limit(() =>
            deployInstance(
              p,
              { plug: "static-site", tenant: `t${(deployed + k) % 10}`, name: `i${deployed + k}` },
              benchActor,
              quiet,
            ),
          ),
        ),
      );
      const spinUp = (performance.now() - started) / 1000;
      deployed = target;
      const ticks: number[] = [];
      for (let i = 0; i < 10; i++) {
        const report = await reconcileAll(await p.reconciler(), quiet, { mode: "once" });
        if (report.acted.length) throw new Error(`steady state expected, but: ${report.acted.join("; ")}`);
        ticks.push(report.durationMs);
      }
      summarizeTimings(
        `reconcile tick, ${target} ready instances`,
        ticks,
        undefined,
        target === max ? "< 100 ms at 500" : undefined,
      );
      emit(`${line(`  ${target} instances`, ticks)}  (deployed ${target} in ${spinUp.toFixed(1)} s total)`);
      if (target === 100)
        emit(
          `  control-plane RSS (aims serve): idle ${idle.toFixed(0)} MiB, at 100 instances ${(await serveRss(config.dataDir, portEnv)).toFixed(0)} MiB`,
        );
    }
  } finally {
    await dispose();
  }
  return out;
}

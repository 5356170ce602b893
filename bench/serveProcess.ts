import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { median } from "./stats.js";

/** The compiled CLI: `npm run bench` builds dist/ first, so memory is the real daemon's, not a TypeScript loader's. */
export const CLI = resolve(import.meta.dirname, "../dist/cli/main.js");
const PROBE = resolve(import.meta.dirname, "memoryProbe.mjs");

const MiB = 1024 * 1024;

/** Resident memory (now) and its peak of a process in MiB, from /proc. */
export function residentMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kB = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kB("VmRSS") / 1024, peak: kB("VmHWM") / 1024 };
}

/** What one `aims serve` held once settled. */
export interface ServeMemory {
  /** Median of the resident memory read once a second while it settled (MiB). */
  rss: number;
  /** Its peak resident memory since start (MiB). */
  peak: number;
  /** The V8 heap in use after a full GC, and the heap V8 had reserved (MiB). */
  heapUsed: number;
  heapTotal: number;
}

/**
 * Starts the compiled `aims serve` (or another build's `cli`) on a data dir (API on a free port, proxy off: its cost is the proxy
 * benchmark's), waits until the reconciler runs, reads its resident memory once a second for `settleMs`,
 * then its heap (bench/memoryProbe.mjs), and stops it with SIGTERM.
 */
export async function measureServe(
  dataDir: string,
  ports: string,
  options: { nodeFlags?: string[]; env?: Record<string, string>; settleMs?: number; cli?: string } = {},
): Promise<ServeMemory> {
  const probeOut = join(dataDir, "bench-probe.json");
  rmSync(probeOut, { force: true });
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), "--expose-gc", "--import", PROBE, options.cli ?? CLI, "serve"],
    {
      env: {
        ...process.env,
        AIMS_DATA_DIR: dataDir,
        AIMS_PORT_RANGE: ports,
        AIMS_LOG_LEVEL: "silent",
        AIMS_API_PORT: "0",
        AIMS_PROXY: "off",
        AIMS_BENCH_PROBE_OUT: probeOut,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise((r) => child.once("exit", r));
  try {
    const deadline = Date.now() + 120_000;
    while (!out.includes("reconciler running") && Date.now() < deadline && child.exitCode === null)
      await sleep(100);
    const samples: number[] = [];
    const settleUntil = Date.now() + (options.settleMs ?? 3000);
    do {
      await sleep(1000);
      if (child.exitCode !== null) throw new Error(`aims serve exited early (${child.exitCode}): ${out}`);
      samples.push(residentMiB(child.pid!).rss);
    } while (Date.now() < settleUntil);
    const { peak } = residentMiB(child.pid!);
    child.kill("SIGUSR2");
    const probeDeadline = Date.now() + 10_000;
    while (!existsSync(probeOut) && Date.now() < probeDeadline) await sleep(50);
    const heap = JSON.parse(readFileSync(probeOut, "utf8")) as { heapUsed: number; heapTotal: number };
    return { rss: median(samples), peak, heapUsed: heap.heapUsed / MiB, heapTotal: heap.heapTotal / MiB };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

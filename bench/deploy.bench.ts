import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { driveInstance } from "../src/lifecycle/driveInstance.js";
import { readNetworkPool, tendNetworkPool } from "../src/lifecycle/networkPool.js";
import { removeInstance } from "../src/lifecycle/removeInstance.js";
import type { Platform } from "../src/platform.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { listInstances } from "../src/store/instanceRepository.js";
import { freePorts } from "../test/support/http.js";
import { benchActor, benchPlatform, quiet } from "./platformFixture.js";
import { line, median } from "./stats.js";
import { summarizeTimings } from "./summary.js";

const exec = promisify(execFile);

/** The proxy port of this benchmark's install (bench/proxy.bench.ts uses 18190). */
const PROXY_PORT = 18191;

/**
 * The platform with its settle split in two, as `settleInstance` in src/platform.ts does it: the reconciler
 * drives the instance until it settled (`settled`: for a deploy, its health gate passed on its own port), then the entry awaits the
 * proxy's apply of its route (`proxyReady`, when a deploy answers).
 */
function timedSettle(p: Platform): { p: Platform; marks: { settled: number; proxyReady: number } } {
  const marks = { settled: 0, proxyReady: 0 };
  const timed: Platform = Object.create(p);
  timed.settleInstance = async (id, progress) => {
    const reconciler = await p.reconciler();
    const row = await driveInstance(reconciler, id, progress);
    marks.settled = performance.now();
    await reconciler.proxy.flush();
    marks.proxyReady = performance.now();
    return row;
  };
  return { p: timed, marks };
}

/** `docker run` flags for what AIMS gives a container (read back from one it made): limits, init, capabilities. */
async function hardeningFlags(containerId: string): Promise<string[]> {
  const { stdout } = await exec("docker", ["inspect", containerId, "--format", "{{json .HostConfig}}"]);
  const h = JSON.parse(stdout) as {
    Init?: boolean;
    CapDrop?: string[] | null;
    CapAdd?: string[] | null;
    SecurityOpt?: string[] | null;
    PidsLimit?: number | null;
    Memory?: number;
    MemorySwap?: number;
    NanoCpus?: number;
  };
  return [
    ...(h.Init ? ["--init"] : []),
    ...(h.CapDrop ?? []).flatMap((c) => ["--cap-drop", c]),
    ...(h.CapAdd ?? []).flatMap((c) => ["--cap-add", c]),
    ...(h.SecurityOpt ?? []).flatMap((o) => ["--security-opt", o]),
    ...(h.PidsLimit ? ["--pids-limit", String(h.PidsLimit)] : []),
    ...(h.Memory ? ["--memory", `${h.Memory}b`] : []),
    ...(h.MemorySwap ? ["--memory-swap", `${h.MemorySwap}b`] : []),
    ...(h.NanoCpus ? ["--cpus", String(h.NanoCpus / 1e9)] : []),
  ];
}

/** Polls `url` every 10 ms until it answers 200: when a raw `docker run` counts as up. */
export async function waitFor200(url: string): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * N sequential deploys of static-site to healthy vs two raw baselines measured in the same run:
 * `docker run` on the default bridge (no isolation), and `docker network create` + `docker run` on it
 * (the isolation AIMS gives every instance). With the proxy on, a deploy answers once its route is live:
 * port-ready (health gate passed) and proxy-ready (route applied) are reported apart. Removal likewise.
 */
export async function benchDeploy(n: number): Promise<string[]> {
  const fixture = await benchPlatform(
    { min: 53500, max: 53999 },
    { proxy: { enabled: true, port: PROXY_PORT, workerProcesses: 1 } },
  );
  const { dispose } = fixture;
  const { p, marks } = timedSettle(fixture.p);
  const out: string[] = [];
  try {
    // Warm-up: builds the image once and gives the raw baselines the very same image.
    const warm = await deployInstance(
      p,
      { plug: "static-site", tenant: "bench", name: "warm" },
      benchActor,
      quiet,
    );
    if (warm.kind !== "deployed") throw new Error("warm-up did not deploy");
    const { containers } = await (await p.reconciler()).runtime.listManaged({
      [LABEL.instance]: warm.instance.id,
    });
    const image = containers[0]!.image;
    const hardening = await hardeningFlags(containers[0]!.id);
    await removeInstance(p, { tenant: "bench", name: "warm" }, benchActor, quiet);

    const t = {
      aimsPort: [] as number[],
      aimsRoute: [] as number[],
      aims: [] as number[],
      aimsRm: [] as number[],
      aimsRmNet: [] as number[],
      aimsRmEngine: [] as number[],
      raw: [] as number[],
      rawRm: [] as number[],
      rawNet: [] as number[],
      rawNetRm: [] as number[],
      rawHard: [] as number[],
    };
    const reconciler = await p.reconciler();
    for (let i = 0; i < n; i++) {
      // The warm network pool full, as aims serve's tick keeps it between deploys (untimed, in the background).
      const known = new Set((await listInstances(p.store.db, {})).map((r) => r.id));
      await tendNetworkPool(reconciler, await readNetworkPool(reconciler), known, quiet);
      // Interleaved, so drift on the host affects every variant alike.
      let t0 = performance.now();
      await deployInstance(p, { plug: "static-site", tenant: "bench", name: `s${i}` }, benchActor, quiet);
      t.aims.push(performance.now() - t0);
      t.aimsPort.push(marks.settled - t0);
      t.aimsRoute.push(marks.proxyReady - marks.settled);
      t0 = performance.now();
      await removeInstance(p, { tenant: "bench", name: `s${i}` }, benchActor, quiet);
      t.aimsRm.push(performance.now() - t0);
      t.aimsRmEngine.push(marks.settled - t0);
      // Its pool network goes in the background after the answer; timed apart, and done before the next run.
      await reconciler.background.settled();
      t.aimsRmNet.push(performance.now() - t0);

      const name = `aims-bench-raw-${process.pid}-${i}`;
      // Free ports picked now: other programs on the host (a test suite) may hold any fixed range.
      const [rawPort, netPort, hardPort] = await freePorts(3);
      const runRaw = (port: number, flags: string[] = []) =>
        exec("docker", ["run", "-d", "--name", name, ...flags, "-p", `127.0.0.1:${port}:8080`, image]);
      t0 = performance.now();
      await runRaw(rawPort!);
      await waitFor200(`http://127.0.0.1:${rawPort}/`);
      t.raw.push(performance.now() - t0);
      t0 = performance.now();
      await exec("docker", ["rm", "-f", name]);
      t.rawRm.push(performance.now() - t0);

      t0 = performance.now();
      await exec("docker", ["network", "create", name]);
      await runRaw(netPort!, ["--network", name]);
      await waitFor200(`http://127.0.0.1:${netPort}/`);
      t.rawNet.push(performance.now() - t0);
      t0 = performance.now();
      await exec("docker", ["rm", "-f", name]);
      await exec("docker", ["network", "rm", name]);
      t.rawNetRm.push(performance.now() - t0);

      // The same container as AIMS runs it (limits, init, dropped capabilities), on a network made just before.
      await exec("docker", ["network", "create", name]);
      t0 = performance.now();
      await runRaw(hardPort!, ["--network", name, ...hardening]);
      await waitFor200(`http://127.0.0.1:${hardPort}/`);
      t.rawHard.push(performance.now() - t0);
      await exec("docker", ["rm", "-f", name]);
      await exec("docker", ["network", "rm", name]);
    }
    out.push(
      `deploy static-site to healthy (${n} sequential runs each, interleaved; the warm network pool refilled between deploys)`,
    );
    out.push(line("  raw docker run + poll HTTP 200", t.raw));
    out.push(line("  raw network create + docker run", t.rawNet, t.raw));
    out.push(line("  raw run as AIMS runs it, network made", t.rawHard, t.raw));
    out.push(line("  aims deploy: port ready", t.aimsPort, t.raw));
    out.push(line("  aims deploy: proxy ready", t.aims, t.raw));
    out.push(line("    of which the route's apply", t.aimsRoute));
    out.push(
      `  aims port ready vs raw with its own network: ${(median(t.aimsPort) / median(t.rawNet)).toFixed(2)}x`,
      `  aims port ready vs raw as AIMS runs it (pre-made network, same limits and hardening): ${(median(t.aimsPort) / median(t.rawHard)).toFixed(2)}x`,
    );
    out.push(line("  raw docker rm -f", t.rawRm));
    out.push(line("  raw rm -f + network rm", t.rawNetRm, t.rawRm));
    out.push(line("  aims rm: its answer (graceful stop)", t.aimsRm, t.rawRm));
    out.push(line("    before the route's apply", t.aimsRmEngine, t.rawRm));
    out.push(line("  aims rm: its network gone too", t.aimsRmNet, t.rawNetRm));
    const raw = { label: "bare docker run + poll", values: t.raw };
    summarizeTimings("deploy to port ready (in-process, warm pool)", t.aimsPort, raw, "≤ 1.10×");
    summarizeTimings(
      "same, vs a bare run with its own network",
      t.aimsPort,
      { label: "network create + docker run", values: t.rawNet },
      "—",
    );
    summarizeTimings(
      "same, vs the same container run by hand",
      t.aimsPort,
      { label: "docker run, AIMS's limits and hardening, on a pre-made network", values: t.rawHard },
      "—",
    );
    summarizeTimings("deploy to reachable through the proxy", t.aims, raw, "≤ 1.10× + one reload");
    summarizeTimings("of which the route's apply (nginx reload)", t.aimsRoute);
    const rawRm = { label: "docker rm -f", values: t.rawRm };
    summarizeTimings("aims rm, its answer (route removed too)", t.aimsRm, rawRm);
    summarizeTimings("aims rm, containers and store (proxy off)", t.aimsRmEngine, rawRm, "≤ 1.30×");
    summarizeTimings("aims rm, its network gone too (background)", t.aimsRmNet, {
      label: "rm -f + network rm",
      values: t.rawNetRm,
    });
  } finally {
    await dispose();
  }
  return out;
}

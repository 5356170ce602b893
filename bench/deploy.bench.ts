import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { driveInstance } from "../src/lifecycle/driveInstance.js";
import { readNetworkPool, tendNetworkPool } from "../src/lifecycle/networkPool.js";
import { removeInstance } from "../src/lifecycle/removeInstance.js";
import type { Platform } from "../src/platform.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { listInstances } from "../src/store/instanceRepository.js";
import { benchActor, benchPlatform, quiet } from "./platformFixture.js";
import { line, median } from "./stats.js";

const exec = promisify(execFile);

/** The proxy port of this benchmark's install (bench/proxy.bench.ts uses 18190). */
const PROXY_PORT = 18191;

/**
 * The platform with its settle split in two, as `settleInstance` in src/platform.ts does it: the reconciler
 * drives the instance until its health gate passed on its own port (`portReady`), then the entry awaits the
 * proxy's apply of its route (`proxyReady`, when a deploy answers).
 */
function timedSettle(p: Platform): { p: Platform; marks: { portReady: number; proxyReady: number } } {
  const marks = { portReady: 0, proxyReady: 0 };
  const timed: Platform = Object.create(p);
  timed.settleInstance = async (id, progress) => {
    const reconciler = await p.reconciler();
    const row = await driveInstance(reconciler, id, progress);
    marks.portReady = performance.now();
    await reconciler.proxy.flush();
    marks.proxyReady = performance.now();
    return row;
  };
  return { p: timed, marks };
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
    await removeInstance(p, { tenant: "bench", name: "warm" }, benchActor, quiet);

    const t = {
      aimsPort: [] as number[],
      aimsRoute: [] as number[],
      aims: [] as number[],
      aimsRm: [] as number[],
      raw: [] as number[],
      rawRm: [] as number[],
      rawNet: [] as number[],
      rawNetRm: [] as number[],
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
      t.aimsPort.push(marks.portReady - t0);
      t.aimsRoute.push(marks.proxyReady - marks.portReady);
      t0 = performance.now();
      await removeInstance(p, { tenant: "bench", name: `s${i}` }, benchActor, quiet);
      t.aimsRm.push(performance.now() - t0);

      const name = `aims-bench-raw-${process.pid}-${i}`;
      t0 = performance.now();
      await exec("docker", ["run", "-d", "--name", name, "-p", `127.0.0.1:${54000 + i}:8080`, image]);
      await waitFor200(`http://127.0.0.1:${54000 + i}/`);
      t.raw.push(performance.now() - t0);
      t0 = performance.now();
      await exec("docker", ["rm", "-f", name]);
      t.rawRm.push(performance.now() - t0);

      t0 = performance.now();
      await exec("docker", ["network", "create", name]);
      await exec("docker", [
        "run",
        "-d",
        "--name",
        name,
        "--network",
        name,
        "-p",
        `127.0.0.1:${54500 + i}:8080`,
        image,
      ]);
      await waitFor200(`http://127.0.0.1:${54500 + i}/`);
      t.rawNet.push(performance.now() - t0);
      t0 = performance.now();
      await exec("docker", ["rm", "-f", name]);
      await exec("docker", ["network", "rm", name]);
      t.rawNetRm.push(performance.now() - t0);
    }
    out.push(
      `deploy static-site to healthy (${n} sequential runs each, interleaved; the warm network pool refilled between deploys)`,
    );
    out.push(line("  raw docker run + poll HTTP 200", t.raw));
    out.push(line("  raw network create + docker run", t.rawNet, t.raw));
    out.push(line("  aims deploy: port ready", t.aimsPort, t.raw));
    out.push(line("  aims deploy: proxy ready", t.aims, t.raw));
    out.push(line("    of which the route's apply", t.aimsRoute));
    out.push(
      `  aims port ready vs raw with its own network: ${(median(t.aimsPort) / median(t.rawNet)).toFixed(2)}x`,
    );
    out.push(line("  raw docker rm -f", t.rawRm));
    out.push(line("  raw rm -f + network rm", t.rawNetRm, t.rawRm));
    out.push(line("  aims rm (graceful stop, cleanup)", t.aimsRm, t.rawRm));
  } finally {
    await dispose();
  }
  return out;
}

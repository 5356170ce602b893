import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { removeInstance } from "../src/lifecycle/removeInstance.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { benchActor, benchPlatform, quiet } from "./platformFixture.js";
import { line, median } from "./stats.js";

const exec = promisify(execFile);

async function waitFor200(url: string): Promise<void> {
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
 * (the isolation AIMS gives every instance). Removal likewise.
 */
export async function benchDeploy(n: number): Promise<string[]> {
  const { p, dispose } = await benchPlatform({ min: 53500, max: 53999 });
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
      aims: [] as number[],
      aimsRm: [] as number[],
      raw: [] as number[],
      rawRm: [] as number[],
      rawNet: [] as number[],
      rawNetRm: [] as number[],
    };
    for (let i = 0; i < n; i++) {
      // Interleaved, so drift on the host affects every variant alike.
      let t0 = performance.now();
      await deployInstance(p, { plug: "static-site", tenant: "bench", name: `s${i}` }, benchActor, quiet);
      t.aims.push(performance.now() - t0);
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
    out.push(`deploy static-site to healthy (${n} sequential runs each, interleaved)`);
    out.push(line("  raw docker run + poll HTTP 200", t.raw));
    out.push(line("  raw network create + docker run", t.rawNet, t.raw));
    out.push(line("  aims deploy (in-process)", t.aims, t.raw));
    out.push(`  aims vs raw with its own network: ${(median(t.aims) / median(t.rawNet)).toFixed(2)}x`);
    out.push(line("  raw docker rm -f", t.rawRm));
    out.push(line("  raw rm -f + network rm", t.rawNetRm, t.rawRm));
    out.push(line("  aims rm (graceful stop, cleanup)", t.aimsRm, t.rawRm));
  } finally {
    await dispose();
  }
  return out;
}

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "../src/config.js";
import { deployInstance } from "../src/lifecycle/deployInstance.js";
import { removeInstance } from "../src/lifecycle/removeInstance.js";
import { createPlatform } from "../src/main.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { line } from "./stats.js";

const exec = promisify(execFile);
const actor = { id: "bench", source: "bench" };
const quiet = () => {};

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

/** N sequential deploys of static-site to healthy vs raw `docker run` + polling for HTTP 200, and removals. */
export async function benchDeploy(n: number): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "aims-bench-"));
  const config = loadConfig({
    env: {},
    overrides: { dataDir, ports: { min: 53000, max: 53999 }, logLevel: "silent" },
  });
  const p = await createPlatform(config);
  const out: string[] = [];
  try {
    // Warm-up: builds the image once and gives the raw baseline the very same image.
    const warm = await deployInstance(
      p,
      { plug: "static-site", tenant: "bench", name: "warm" },
      actor,
      quiet,
    );
    if (warm.kind !== "deployed") throw new Error("warm-up did not deploy");
    const { containers } = await p.driver.listManaged({ [LABEL.instance]: warm.instance.id });
    const image = containers[0]!.image;
    await removeInstance(p, { tenant: "bench", name: "warm" }, actor, quiet);

    const aimsDeploy: number[] = [];
    const aimsRemove: number[] = [];
    const rawDeploy: number[] = [];
    const rawRemove: number[] = [];
    for (let i = 0; i < n; i++) {
      // Interleave AIMS and raw runs so drift on the host affects both alike.
      let t = performance.now();
      const r = await deployInstance(
        p,
        { plug: "static-site", tenant: "bench", name: `s${i}` },
        actor,
        quiet,
      );
      aimsDeploy.push(performance.now() - t);
      if (r.kind !== "deployed") throw new Error("no deploy");
      t = performance.now();
      await removeInstance(p, { tenant: "bench", name: `s${i}` }, actor, quiet);
      aimsRemove.push(performance.now() - t);

      const port = 54000 + i;
      const name = `aims-bench-raw-${process.pid}-${i}`;
      t = performance.now();
      await exec("docker", ["run", "-d", "--name", name, "-p", `127.0.0.1:${port}:8080`, image]);
      await waitFor200(`http://127.0.0.1:${port}/`);
      rawDeploy.push(performance.now() - t);
      t = performance.now();
      await exec("docker", ["rm", "-f", name]);
      rawRemove.push(performance.now() - t);
    }
    out.push(`deploy static-site to healthy (${n} sequential runs)`);
    out.push(line("  raw docker run + poll HTTP 200", rawDeploy));
    out.push(line("  aims deploy (in-process)", aimsDeploy, rawDeploy));
    out.push(line("  raw docker rm -f", rawRemove));
    out.push(line("  aims rm (graceful stop + cleanup)", aimsRemove, rawRemove));
  } finally {
    await p.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall } from "./support/aimsCli.js";
import { restartDockerd } from "./support/dockerd.js";
import { get } from "./support/http.js";
import { containersOf, type InstanceJson, psOne } from "./support/instances.js";

const ROOT = resolve(import.meta.dirname, "..");
const install = await createTestInstall("53450-53499", {
  AIMS_RESTART_BACKOFF_MS: "200",
  AIMS_RECONCILE_INTERVAL_MS: "1000",
});
afterAll(() => install.cleanup());

describe("dockerd restarted under running instances", () => {
  let serve: ChildProcess;
  let site: InstanceJson;
  let api: InstanceJson;
  let stopped: InstanceJson;

  beforeAll(async () => {
    site = await install.json<InstanceJson>(["deploy", "static-site", "--tenant", "eng", "--name", "site"]);
    api = await install.json<InstanceJson>(["deploy", "node-api", "--tenant", "eng", "--name", "api"]);
    await install.json(["deploy", "static-site", "--tenant", "eng", "--name", "idle"]);
    stopped = await install.json<InstanceJson>(["stop", "idle", "--tenant", "eng"]);
    await fetch(`${api.url}kv/k`, { method: "POST", body: "kept" });
    serve = spawn(process.execPath, [resolve(ROOT, "dist/cli/main.js"), "serve"], {
      env: { ...process.env, ...install.env },
      stdio: "ignore",
    });
    await sleep(1500);
  });
  afterAll(() => {
    serve?.kill("SIGTERM");
  });

  it("every instance converges back to its desired state after the engine returns", async () => {
    await restartDockerd();
    const deadline = Date.now() + 90_000;
    let states: Array<string | undefined> = [];
    for (;;) {
      states = await Promise.all(
        ["site", "api", "idle"].map(async (n) => (await psOne(install, "eng", n))?.state),
      );
      const up = await Promise.all(
        [site.url, api.url].map((u) =>
          get(u, 2000)
            .then((r) => r.status === 200)
            .catch(() => false),
        ),
      );
      if (states.join() === "ready,ready,stopped" && up.every(Boolean)) break;
      if (Date.now() > deadline) throw new Error(`not converged: ${states.join()}`);
      await sleep(500);
    }
    expect((await get(`${api.url}kv/k`)).body).toContain("kept");
    const [idle] = await containersOf(stopped.id);
    expect(idle!.State.Running).toBe(false);
  });
});

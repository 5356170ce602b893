import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstall, docker } from "./support/aimsCli.js";
import { get } from "./support/http.js";
import { containersOf, eventTypes, type InstanceJson, psOne } from "./support/instances.js";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
// Fast backoff so a crash loop ends in seconds: 100 ms, 200 ms, 400 ms, then give up.
const install = await createTestInstall("53200-53299", {
  AIMS_CATALOG_DIRS: FIXTURES,
  AIMS_RESTART_BACKOFF_MS: "100",
  AIMS_RESTART_MAX_RETRIES: "3",
  AIMS_RECONCILE_INTERVAL_MS: "500",
});
afterAll(() => install.cleanup());

/** Polls `fn` until it answers; a failing poll is retried, and the last failure is named on timeout. */
async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const v = await fn().catch((err: unknown) => {
      lastError = err;
      return undefined;
    });
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${lastError ? ` (last failure: ${String(lastError)})` : ""}`,
        {
          cause: lastError,
        },
      );
    await sleep(200);
  }
}

describe("aims reconcile heals what happened behind its back", () => {
  let web: InstanceJson;
  beforeAll(async () => {
    web = await install.json<InstanceJson>(["deploy", "static-site", "--tenant", "heal", "--name", "web"]);
  });

  it("brings back a killed container", async () => {
    const [c] = await containersOf(web.id);
    await docker.getContainer(c!.Id).kill();
    const r = await install.run(["reconcile"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/heal\/web: container .* exited/);
    expect((await psOne(install, "heal", "web"))?.state).toBe("ready");
    expect((await get(web.url)).status).toBe(200);
    expect(eventTypes(install, web.id)).toEqual(
      expect.arrayContaining(["instance.degraded", "instance.ready"]),
    );
  });

  it("recreates a container removed by hand", async () => {
    const [c] = await containersOf(web.id);
    await docker.getContainer(c!.Id).remove({ force: true });
    const r = await install.run(["reconcile"]);
    expect(r.stdout).toMatch(/container .* missing/);
    const [again] = await containersOf(web.id);
    expect(again!.Id).not.toBe(c!.Id);
    expect((await get(web.url)).status).toBe(200);
  });

  it("ends a crash loop as failed, with the exit code and the last log line", async () => {
    const crashy = await install.json<InstanceJson>([
      "deploy",
      "crashy",
      "--tenant",
      "heal",
      "--name",
      "crashy",
    ]);
    const [c] = await containersOf(crashy.id);
    await docker.getContainer(c!.Id).kill();
    await install.run(["reconcile"]);
    const now = await psOne(install, "heal", "crashy");
    expect(now?.state).toBe("failed");
    expect(now?.reason).toMatch(/exited with code 7/);
    expect(now?.reason).toMatch(/crash: lost my config/);
    expect(now?.reason).toMatch(/gave up after 3 restarts/);
    expect(eventTypes(install, crashy.id).filter((t) => t === "instance.degraded")).toHaveLength(3);
    // A failed instance stays failed until someone acts: reconcile does not loop on it.
    const again = await install.run(["reconcile"]);
    expect(again.stdout).not.toMatch(/heal\/crashy/);
  });
});

describe("aims serve", () => {
  let serve: ChildProcess;
  let output = "";
  beforeAll(async () => {
    serve = spawn(process.execPath, [resolve(ROOT, "dist/cli/main.js"), "serve"], {
      env: { ...process.env, ...install.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    serve.stdout!.on("data", (d) => {
      output += d;
    });
    serve.stderr!.on("data", (d) => {
      output += d;
    });
    await waitFor("serve to start", async () => (output.includes("API at") ? true : undefined), 90_000);
  });
  afterAll(() => {
    if (serve.exitCode === null) serve.kill("SIGKILL");
  });

  it("serves the API beside the reconciler, with reconcile passes in its metrics", async () => {
    const url = /API at (http:\/\/\S+) /.exec(output)?.[1];
    expect(url, output).toBeTruthy();
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const metrics = await waitFor("a reconcile pass in the metrics", async () => {
      const body = (await get(`${url}/metrics`)).body;
      return /aims_reconcile_duration_seconds_count\{result="ok"\} [1-9]/.test(body) ? body : undefined;
    });
    expect(metrics).toMatch(/aims_instances\{state="ready"\}/);
  });

  it("restarts a crashed container by itself, soon after Docker reports it", async () => {
    const web = (await psOne(install, "heal", "web"))!;
    const [c] = await containersOf(web.id);
    const before = eventTypes(install, web.id).length;
    await docker.getContainer(c!.Id).kill();
    await waitFor("the container to run again", async () => {
      const [now] = await containersOf(web.id);
      return now?.State.Running && eventTypes(install, web.id).length > before + 1 ? true : undefined;
    });
    expect((await get(web.url)).status).toBe(200);
  });

  it("the CLI works beside it without two processes acting on one instance", async () => {
    const stopped = await install.json<InstanceJson>(["stop", "web", "--tenant", "heal"]);
    expect(stopped.state).toBe("stopped");
    await sleep(1500); // a few daemon ticks: it must not restart a stopped instance
    const [c] = await containersOf(stopped.id);
    expect(c!.State.Running).toBe(false);
    expect((await install.json<InstanceJson>(["start", "web", "--tenant", "heal"])).state).toBe("ready");
  });

  it("shuts down cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((done) => serve.once("exit", (code) => done(code)));
    serve.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toMatch(/SIGTERM received/);
    expect(output).toMatch(/aims serve: stopped/);
  });
});

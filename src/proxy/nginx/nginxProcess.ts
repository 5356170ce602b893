import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { controlSocket, errorLog, pidFile } from "./renderConfig.js";

/** The nginx binary and the proxy's root directory (`<dataDir>/proxy`). */
export interface NginxPaths {
  binary: string;
  root: string;
}

/** Runs the nginx binary with this install's prefix and error log; resolves with its exit and output. */
export function runNginx(
  paths: NginxPaths,
  args: string[],
): Promise<{ ok: boolean; output: string; missing?: boolean }> {
  return new Promise((resolve) => {
    execFile(
      paths.binary,
      ["-p", `${paths.root}/`, "-e", errorLog(paths.root), ...args],
      // The working directory marks this install's nginx processes (see strayWorkers).
      { timeout: 60_000, cwd: `${paths.root}/run` },
      (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        const missing = (err as NodeJS.ErrnoException | null)?.code === "ENOENT";
        resolve({ ok: !err, output: missing ? `${paths.binary} not found` : output, missing });
      },
    );
  });
}

/** nginx's messages without its "nginx: " prefixes and the closing "test failed" line. */
export function nginxMessage(output: string): string {
  return (
    output
      .split("\n")
      .map((l) => l.replace(/^nginx: /, "").trim())
      .filter((l) => l && !/test failed$/.test(l))
      .join("; ") || "nginx exited with an error and said nothing"
  );
}

/** The process state letter from /proc (Z: exited but not reaped), or undefined when there is no such process. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

/** True when the process exists and has not exited (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== "Z" && state !== "X";
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** The pid of this install's nginx master when it runs (pid file, live, and started with our prefix). */
export function masterPid(root: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(root), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmd = cmdline(pid);
  return cmd.startsWith("nginx: master process") && cmd.includes(`-p ${root}/`) ? pid : undefined;
}

/**
 * nginx processes of this install that outlived their master (a killed master leaves its workers
 * serving, and holding the port). They are recognised by their working directory, `<root>/run`, which
 * they inherit from the master (runNginx starts it there).
 */
export function strayWorkers(root: string): number[] {
  const run = `${root}/run`;
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) !== run) continue;
    } catch {
      continue;
    }
    if (cmdline(pid).startsWith("nginx:") && isAlive(pid)) out.push(pid);
  }
  return out;
}

/** Worker processes of this install's master right now (cache loaders and such included). */
export function workerPids(root: string, master: number): number[] {
  return strayWorkers(root).filter((pid) => pid !== master);
}

/**
 * After a reload, waits until every worker that existed before it has stopped accepting connections:
 * it exited, or nginx retitled it "is shutting down". Until then an old worker may still accept a new
 * connection and answer with the previous routes, even though a new worker already serves the new ones.
 */
export async function waitOldWorkersRetired(oldWorkers: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const accepting = (pid: number) => isAlive(pid) && !cmdline(pid).includes("shutting down");
  while (oldWorkers.some(accepting)) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Kills workers left by a dead master and removes its stale control socket, so a new master can bind. */
export async function clearStrays(root: string): Promise<number> {
  const strays = strayWorkers(root);
  for (const pid of strays) signal(pid, "SIGKILL");
  await waitGone(strays, 5000);
  rmSync(controlSocket(root), { force: true });
  return strays.length;
}

/** Starts the master on the configuration at `config` (nginx daemonises once its ports are bound). */
export async function startMaster(
  paths: NginxPaths,
  config: string,
): Promise<{ ok: boolean; output: string }> {
  await clearStrays(paths.root);
  const r = await runNginx(paths, ["-c", config]);
  return { ok: r.ok, output: r.output };
}

/**
 * Stops this install's nginx: the master gracefully-fast (SIGTERM), then anything of it still alive
 * after `timeoutMs` is killed. Safe to call when nothing runs.
 */
export async function stopNginx(root: string, timeoutMs = 5000): Promise<void> {
  const pid = masterPid(root);
  if (pid) {
    signal(pid, "SIGTERM");
    if (!(await waitGone([pid], timeoutMs))) signal(pid, "SIGKILL");
  }
  await clearStrays(root);
  rmSync(pidFile(root), { force: true });
}

/** Asks the control socket which generation nginx serves; undefined when it does not answer. */
export function servedGeneration(root: string, timeoutMs = 1000): Promise<string | undefined> {
  const socketPath = controlSocket(root);
  if (!existsSync(socketPath)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/generation", timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body.trim() : undefined));
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/** Waits until nginx serves `generation` (a reload takes effect when new workers take over). */
export async function waitForGeneration(
  root: string,
  generation: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    if ((await servedGeneration(root)) === generation) return true;
    if (Date.now() > deadline) return false;
    await sleep(delay);
    delay = Math.min(delay * 1.5, 20);
  }
}

/** `nginx -v`: the version line, or why the binary could not run. */
export function nginxVersion(binary: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(binary, ["-v"], { timeout: 10_000 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT")
        resolve({ ok: false, output: `${binary} not found` });
      else resolve({ ok: !err, output: `${stdout}${stderr}`.trim() });
    });
  });
}

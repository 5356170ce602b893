import { execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

function engineAnswers(): boolean {
  try {
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "pipe", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/**
 * Restarts the Docker engine the way it was started: with systemctl when systemd runs it, otherwise
 * by stopping the dockerd process and starting the same command line again in the background.
 */
export async function restartDockerd(): Promise<void> {
  if (existsSync("/run/systemd/system")) {
    execFileSync("systemctl", ["restart", "docker"], { stdio: "inherit" });
  } else {
    const pid = Number(execFileSync("pidof", ["dockerd"]).toString().trim().split(/\s+/)[0]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    process.kill(pid, "SIGTERM");
    await until("dockerd to exit", () => !existsSync(`/proc/${pid}`), 60_000);
    const log = openSync("/var/log/aims-dockerd.log", "a");
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ["ignore", log, log] });
    child.unref();
  }
  await until("the Docker engine to answer again", engineAnswers, 60_000);
}

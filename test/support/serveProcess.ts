import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TestInstall } from "./aimsCli.js";

const CLI = join(resolve(import.meta.dirname, "../.."), "dist/cli/main.js");

/** A running `aims serve` of a test install, with what it printed. */
export interface ServeProcess {
  /** The dashboard's URL, as `aims serve` printed it (`http://127.0.0.1:<port>/`). */
  dashboardUrl: string;
  /** The API's URL (no trailing slash). */
  apiUrl: string;
  /** The file `aims serve` named for the first sign-in. */
  signInFile: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `aims serve` on an install (compiled CLI) and waits for the line that prints the dashboard's URL. */
export async function startServe(
  install: TestInstall,
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve"], {
    env: { ...process.env, ...install.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const line = /dashboard at (http:\/\/\S+\/) \(first sign-in: \S+ with the password in (\S+)\)/;
  for (let i = 0; i < 300 && !line.test(output) && child.exitCode === null; i++) await sleep(100);
  const found = line.exec(output);
  const api = /API at (http:\/\/\S+) /.exec(output);
  if (!found || !api) {
    child.kill("SIGTERM");
    throw new Error(`aims serve printed no dashboard URL:\n${output}`);
  }
  return {
    dashboardUrl: found[1]!,
    apiUrl: api[1]!,
    signInFile: found[2]!,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

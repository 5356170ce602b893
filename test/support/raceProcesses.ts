import { spawn } from "node:child_process";
import { resolve } from "node:path";

const PACKAGE_ROOT = resolve(import.meta.dirname, "../..");

/**
 * Starts one tsx process per script; when all have printed "ready", releases them together so their
 * writes really overlap; resolves their stdout (after "ready"). Scripts start with `AWAIT_GO`. Scripts that
 * import only compiled modules (dist/, which test/support/globalSetup.ts builds) pass `typescript: false`:
 * without tsx's loader, a process starts several times faster.
 */
export async function raceProcesses(
  scripts: string[],
  options: { typescript?: boolean } = {},
): Promise<string[]> {
  const loader = options.typescript === false ? [] : ["--import", "tsx"];
  const children = scripts.map((code) => {
    const child = spawn(process.execPath, [...loader, "--input-type=module", "-e", code], {
      cwd: PACKAGE_ROOT,
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const ready = new Promise<void>((done) =>
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.startsWith("ready\n")) done();
      }),
    );
    const done = new Promise<string>((ok, fail) =>
      child.on("close", (status) =>
        status === 0
          ? ok(stdout.slice("ready\n".length))
          : fail(new Error(`child exited ${status}: ${stderr}`)),
      ),
    );
    return { child, ready, done };
  });
  try {
    await Promise.race([Promise.all(children.map((c) => c.ready)), Promise.all(children.map((c) => c.done))]);
    for (const c of children) c.child.stdin.end("go\n");
    return await Promise.all(children.map((c) => c.done));
  } catch (err) {
    for (const c of children) c.child.kill();
    throw err;
  }
}

/** Child-side preamble: say "ready", then wait for the parent's "go". */
export const AWAIT_GO = `await new Promise((go) => { process.stdin.once("data", go); process.stdout.write("ready\\n"); }); process.stdin.destroy();`;

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** util-linux `script`, which runs a command on a pseudo-terminal; undefined where it is not installed. */
export const SCRIPT = ["/usr/bin/script", "/bin/script"].find(existsSync);

/** The compiled CLI (test/support/globalSetup.ts builds it once per run). */
const CLI = join(resolve(import.meta.dirname, "../.."), "dist/cli/main.js");

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) with `env`, typing `lines` one by one as prompts
 * matching `prompt` (a global pattern) appear; stdin ends once every line is typed. The output is stdout and
 * stderr together, as the terminal showed them.
 */
export function onTerminal(
  env: Record<string, string>,
  args: string[],
  lines: string[],
  prompt: RegExp,
): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const child = execFile(
      SCRIPT!,
      ["-qfec", command, "/dev/null"],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: stdout + stderr }),
    );
    let output = "";
    let asked = 0;
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      // One answer per prompt seen (readline adds cursor codes after it).
      const prompts = output.match(prompt)?.length ?? 0;
      while (asked < prompts && asked < lines.length) child.stdin?.write(`${lines[asked++]}\n`);
      if (asked >= lines.length) child.stdin?.end();
    });
  });
}

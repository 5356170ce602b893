import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AimsError } from "../domain/errors.js";

const run = promisify(execFile);

/**
 * The absolute library paths in `ldd` output, dynamic loader included; the kernel-provided vDSO has no
 * path and is skipped.
 * @example parseLdd("libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x7f...)") // ["/lib/x86_64-linux-gnu/libc.so.6"]
 */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split("\n")) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/i.exec(line);
    if (match?.[1]) paths.add(match[1]);
  }
  return [...paths];
}

/** The shared libraries `binary` loads (as `ldd` lists them); empty for a static binary. */
export async function listSharedLibraries(binary: string): Promise<string[]> {
  try {
    const { stdout } = await run("ldd", [binary]);
    return parseLdd(stdout);
  } catch (err) {
    const failure = err as { stdout?: string; stderr?: string; code?: string | number; message: string };
    const text = `${failure.stdout ?? ""}${failure.stderr ?? ""}`;
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    const reason = failure.code === "ENOENT" ? "ldd is not installed" : text.trim() || failure.message;
    throw new AimsError("unavailable", `cannot list the shared libraries of ${binary}: ${reason}`);
  }
}

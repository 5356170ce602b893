import { createInterface } from "node:readline/promises";
import { AimsError } from "../domain/errors.js";
import { printJson } from "./output.js";

/** Why `rm` and `volumes rm` refuse without a terminal to ask on. */
export const REMOVE_WITHOUT_TERMINAL = "refusing to remove without --yes: no terminal to confirm on";

/**
 * Asks a yes-or-no question on the terminal (on stderr: stdout stays for results); true for `y` or `yes`.
 * Without a terminal there is no one to ask: AimsError("invalid_input", `withoutTerminal`), which names the flag
 * a script passes instead.
 * @example if (!(await confirm("remove acme/web?", REMOVE_WITHOUT_TERMINAL))) return cancelled(json, "acme/web was not removed")
 */
export async function confirm(question: string, withoutTerminal: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new AimsError("invalid_input", withoutTerminal);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** A person answered no: nothing was done, which is not an error (exit 0). Says so, as JSON with --json. */
export function cancelled(json: boolean | undefined, what: string): void {
  if (json) printJson({ cancelled: true });
  else process.stdout.write(`cancelled: ${what}\n`);
}

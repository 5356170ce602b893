import { createInterface, type Interface } from "node:readline";
import { AimsError } from "../domain/errors.js";
import { checkInputValue } from "../domain/inputs.js";
import type { Plug, PlugInput } from "../domain/manifest.js";

/** How intake talks to a person: one question at a time, secrets without echo. */
export interface IntakePrompter {
  ask(prompt: string, options: { secret: boolean }): Promise<string>;
  say(text: string): void;
  close(): void;
}

/** How often an invalid answer is asked again before the deploy gives up. */
const ATTEMPTS = 3;

/** The question as shown: the question, its type hint and its default. */
export function promptFor(input: PlugInput): string {
  const hint =
    input.type === "enum"
      ? ` (${input.values.join("/")})`
      : input.type === "int"
        ? ` (${input.min}-${input.max})`
        : input.type === "url"
          ? " (http/https URL)"
          : "";
  const def = "default" in input && input.default !== undefined ? ` [${input.default}]` : "";
  const optional = input.required === false && !def ? " (optional, Enter to skip)" : "";
  return `${input.question}${hint}${def}${optional} `;
}

/**
 * Needs analysis: asks every input the deploy did not answer with `--set`, validating each answer as it
 * is given (Enter takes the default). Returns `given` plus the answers; nothing is created here.
 * @example const answers = await askIntake(plug, { TITLE: "x" }, terminalPrompter())
 */
export async function askIntake(
  plug: Plug,
  given: Record<string, string>,
  prompter: IntakePrompter,
): Promise<Record<string, string>> {
  const answers = { ...given };
  const open = plug.inputs.filter((input) => given[input.key] === undefined);
  if (!open.length) return answers;
  prompter.say(`${plug.name}: ${open.length} question${open.length === 1 ? "" : "s"} before deploying\n`);
  for (const input of open) {
    if (input.help) prompter.say(`  ${input.help}\n`);
    for (let attempt = 1; ; attempt++) {
      const raw = (
        await prompter.ask(`${input.key}: ${promptFor(input)}`, { secret: input.type === "secret" })
      )
        .replace(/\r?\n$/, "")
        .trim();
      const fallback = "default" in input && input.default !== undefined ? String(input.default) : undefined;
      const value = raw === "" ? fallback : raw;
      if (value === undefined) {
        if (input.required === false) break;
        prompter.say("  an answer is required\n");
      } else {
        const problem = checkInputValue(input, value);
        if (!problem) {
          answers[input.key] = value;
          break;
        }
        prompter.say(`  ${input.key} ${problem}\n`);
      }
      if (attempt >= ATTEMPTS)
        throw new AimsError(
          "invalid_input",
          `no valid answer for input ${input.key} after ${ATTEMPTS} tries`,
        );
    }
  }
  return answers;
}

/** A prompter on this process's terminal: questions on stderr (stdout stays for results), secrets hidden. */
export function terminalPrompter(): IntakePrompter {
  let muted = false;
  const rl: Interface = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // readline echoes typed characters through _writeToOutput; while a secret is typed, echo nothing.
  const internals = rl as unknown as { _writeToOutput(text: string): void };
  const write = internals._writeToOutput.bind(rl);
  internals._writeToOutput = (text: string) => {
    if (!muted || text.includes("\n")) write(muted ? "\n" : text);
  };
  return {
    ask: (prompt, { secret }) =>
      new Promise((resolve, reject) => {
        const onClose = () => reject(new AimsError("invalid_input", "intake cancelled"));
        rl.once("close", onClose);
        rl.question(prompt, (answer) => {
          rl.off("close", onClose);
          muted = false;
          resolve(answer);
        });
        muted = secret;
      }),
    say: (text) => process.stderr.write(text),
    close: () => rl.close(),
  };
}

/** Intake runs when a person is at a terminal; scripts (no TTY) keep today's behaviour: --set and defaults. */
export function shouldAsk(options: { noInput?: boolean }): boolean {
  return !options.noInput && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

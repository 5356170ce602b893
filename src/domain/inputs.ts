import { AimsError } from "./errors.js";
import type { Plug, PlugInput } from "./manifest.js";

/** Validated intake answers: keys are input keys, values are strings ready for env templates. */
export type InputValues = Record<string, string>;

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Checks one answer against its input's type; returns a problem sentence or undefined. */
export function checkInputValue(input: PlugInput, value: string): string | undefined {
  switch (input.type) {
    case "string":
      if (value.length > input.maxLength) return `must be at most ${input.maxLength} characters`;
      if (/[\0\r\n]/.test(value)) return "must be a single line";
      if (input.pattern && !new RegExp(`^(?:${input.pattern})$`).test(value))
        return `must match the pattern ${input.pattern}`;
      return undefined;
    case "secret":
      if (value.length < input.minLength) return `must be at least ${input.minLength} characters`;
      if (/[\0\r\n]/.test(value)) return "must be a single line";
      return undefined;
    case "enum":
      return input.values.includes(value) ? undefined : `must be one of: ${input.values.join(", ")}`;
    case "int": {
      if (!/^-?\d+$/.test(value)) return "must be a whole number";
      const n = Number(value);
      return n < input.min || n > input.max ? `must be between ${input.min} and ${input.max}` : undefined;
    }
    case "url": {
      try {
        const url = new URL(value);
        return url.protocol === "http:" || url.protocol === "https:" ? undefined : "must be an http(s) URL";
      } catch {
        return "must be an http(s) URL like https://example.com/path";
      }
    }
    case "hostname":
      return HOSTNAME.test(value) ? undefined : "must be a hostname like api.example.com";
  }
}

/** One problem sentence per key the plug has no input for (deploy and update refuse them alike). */
export function unknownInputs(plug: Plug, keys: string[]): string[] {
  const known = new Set(plug.inputs.map((i) => i.key));
  const all = plug.inputs.map((i) => i.key);
  return keys
    .filter((key) => !known.has(key))
    .map(
      (key) =>
        `unknown input ${key} for plug ${plug.id}${all.length ? ` (known: ${all.join(", ")})` : " (it takes no inputs)"}`,
    );
}

/**
 * Resolves a deploy's `--set` answers against the plug's inputs: unknown keys, invalid values and
 * missing required answers are all reported at once, before anything is created.
 */
export function resolveInputs(plug: Plug, answers: Record<string, string>): InputValues {
  const problems: string[] = unknownInputs(plug, Object.keys(answers));
  const values: InputValues = {};
  for (const input of plug.inputs) {
    const given = answers[input.key];
    const fallback = "default" in input && input.default !== undefined ? String(input.default) : undefined;
    const value = given ?? fallback;
    if (value === undefined) {
      if (input.required !== false) problems.push(`input ${input.key} is required: ${input.question}`);
      continue;
    }
    const problem = checkInputValue(input, value);
    if (problem) problems.push(`input ${input.key} ${problem}`);
    else values[input.key] = value;
  }
  if (problems.length) throw new AimsError("invalid_input", problems.join("; "));
  return values;
}

/** Parses `KEY=VALUE` pairs from the CLI into a map; a pair without `=` is refused. */
export function parseSetPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new AimsError("invalid_input", `--set expects KEY=VALUE, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

import type { PlugInput } from "../../api/types";

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** The answer a field starts with: the plug's default, or nothing. */
export function defaultAnswer(input: PlugInput): string {
  return "default" in input && input.default !== undefined ? String(input.default) : "";
}

/**
 * What is wrong with an answer, in the API's words (src/domain/inputs.ts checks the same on deploy); undefined
 * when it is fine. An empty answer is a problem only for a required input.
 */
export function answerProblem(input: PlugInput, value: string): string | undefined {
  if (value === "") return input.required === false ? undefined : "an answer is needed";
  switch (input.type) {
    case "string":
      if (value.length > input.maxLength) return `must be at most ${input.maxLength} characters`;
      if (/[\0\r\n]/.test(value)) return "must be a single line";
      if (input.pattern && !new RegExp(`^(?:${input.pattern})$`).test(value))
        return `must match the pattern ${input.pattern}`;
      return undefined;
    case "secret":
      return value.length < input.minLength ? `must be at least ${input.minLength} characters` : undefined;
    case "enum":
      return input.values.includes(value) ? undefined : `must be one of: ${input.values.join(", ")}`;
    case "int": {
      if (!/^-?\d+$/.test(value)) return "must be a whole number";
      const n = Number(value);
      return n < input.min || n > input.max ? `must be between ${input.min} and ${input.max}` : undefined;
    }
    case "url":
      try {
        const url = new URL(value);
        return url.protocol === "http:" || url.protocol === "https:" ? undefined : "must be an http(s) URL";
      } catch {
        return "must be an http(s) URL like https://example.com/path";
      }
    case "hostname":
      return HOSTNAME.test(value) ? undefined : "must be a hostname like api.example.com";
  }
}

/** The `set` of a deploy: every answer given (empty optional ones are left to the plug). */
export function answersToSet(inputs: PlugInput[], answers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    inputs.filter((i) => (answers[i.key] ?? "") !== "").map((i) => [i.key, answers[i.key] ?? ""]),
  );
}

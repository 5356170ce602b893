import { stem } from "./stem.js";
import { STOP_WORDS } from "./text.js";
import type { IntentContext } from "./types.js";

type PlugInput = IntentContext["catalog"][number]["inputs"][number];

/** Inputs a request gives ("with title 'My Blog'", "timezone Europe/Berlin"), and the words they used. */
export interface GivenInputs {
  inputs: Record<string, string | number>;
  /** The words of the values and their keywords, which name no instance or plug. */
  used: Set<string>;
  /** An input outside its allowed range or values, with the rule. */
  invalid?: string;
}

/** Words too general to name an input by themselves. */
const GENERAL = new Set([
  "name",
  "url",
  "key",
  "mode",
  "base",
  "user",
  "db",
  "api",
  "what",
  "is",
  "this",
  "the",
]);

/** The phrases that name an input: its key (`SITE_TITLE`, "site title", "title") and its question's nouns. */
function phrasesOf(input: PlugInput): string[] {
  const parts = input.key.toLowerCase().split("_");
  const phrases = [input.key.toLowerCase(), parts.join(" ")];
  if (parts.length > 1) {
    phrases.push(parts.slice(-2).join(" "));
    const last = parts.at(-1)!;
    if (!GENERAL.has(last)) phrases.push(last);
    if (last === "mb") phrases.push(parts.slice(0, -1).join(" "));
  } else phrases.push(parts[0]!);
  const question = input.description ?? "";
  const nameOf = /^name of the (\w+)/i.exec(question);
  if (nameOf) phrases.push(`${nameOf[1]!.toLowerCase()} name`);
  return [...new Set(phrases)].sort((a, b) => b.length - a.length);
}

const DELIMITER = /\s*(?:,|;|\band\b|\bwith\b|\bthen\b|\bcalled\b|\bnamed\b|\bname it\b|\bcall it\b|$)/i;

/** The value that follows a keyword: quoted text, a cron line, a number for an int, else words to the next clause. */
function valueAfter(rest: string, input: PlugInput): string | undefined {
  const quoted = /^\s*["'\u201c\u2018]([^"'\u201d\u2019]+)["'\u201d\u2019]/.exec(rest);
  if (quoted) return quoted[1]!.trim();
  if (input.type === "int") return /^\s*(\d+)/.exec(rest)?.[1];
  const cron = /^\s*([0-9*/,-]+(?:\s+[0-9*/,-]+){4,5})(?=\s|$)/.exec(rest);
  if (cron) return cron[1];
  const token = /^\s*(\S+)/.exec(rest)?.[1];
  if (!token) return undefined;
  if (/[/:@.\d]/.test(token) || input.type !== "string") return token.replace(/[.,;!?]+$/, "");
  const words = rest
    .trim()
    .split(DELIMITER)[0]
    ?.trim()
    .replace(/[.!?]+$/, "");
  return words || undefined;
}

/** "use gpt-4o as the model": a value said before its keyword. */
function valueBefore(text: string, phrase: string): string | undefined {
  const m = new RegExp(
    `\\b(?:use|with|using)\\s+(\\S+)\\s+(?:as|for)\\s+(?:the\\s+|its\\s+)?${escapePhrase(phrase)}\\b`,
    "i",
  ).exec(text);
  return m?.[1];
}

function escapePhrase(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "[\\s_-]+");
}

/**
 * The inputs of `plug` a request gives, by the manifest's keys: "with title 'My Blog'" → SITE_TITLE,
 * "API_TITLE set to Meeting Notes", "token is 123:AA…" → TELEGRAM_BOT_TOKEN, "maxmemory 100 mb" →
 * MAXMEMORY_MB 100, "greets people with 'hi'" → GREETING. `text` keeps the person's capitals.
 */
export function givenInputs(text: string, inputs: readonly PlugInput[]): GivenInputs {
  const found: Record<string, string | number> = {};
  const used = new Set<string>();
  let invalid: string | undefined;
  for (const input of inputs) {
    let value: string | undefined;
    for (const phrase of phrasesOf(input)) {
      const keyword = new RegExp(
        `\\b${escapePhrase(phrase)}\\b(?:\\s+(?:of|for|on|in)\\s+(?:the\\s+)?[\\w'-]+)?\\s*(?:(?:is|=|:|to|as|of|set to|should be|will be|be)\\b\\s*|[=:]\\s*|\\s+)`,
        "i",
      ).exec(text);
      value = keyword
        ? valueAfter(text.slice(keyword.index + keyword[0].length), input)
        : valueBefore(text, phrase);
      if (value && STOP_WORDS.has(value.toLowerCase())) value = undefined;
      if (value) {
        for (const w of phrase.split(" ")) used.add(w);
        break;
      }
    }
    if (!value) value = byVerb(text, input) ?? valueNamed(text, input);
    if (!value) continue;
    for (const w of value.toLowerCase().split(/\s+/)) used.add(w.replace(/[.,;!?'"]/g, ""));
    if (input.type === "int") {
      const n = Number(value);
      if (input.min !== undefined && n < input.min)
        invalid = `${input.key} must be from ${input.min} to ${input.max ?? "∞"}`;
      if (input.max !== undefined && n > input.max)
        invalid = `${input.key} must be from ${input.min ?? 0} to ${input.max}`;
      found[input.key] = n;
    } else {
      if (input.values && !input.values.includes(value))
        invalid = `${input.key} must be one of ${input.values.join(", ")}`;
      found[input.key] = value;
    }
  }
  return { inputs: found, used, invalid };
}

/**
 * A value that says which input it is: one of an enum's values ("allkeys-lru eviction"), or a number
 * before the input's keyword ("100mb maxmemory").
 */
function valueNamed(text: string, input: PlugInput): string | undefined {
  if (input.values)
    return input.values.find((v) => new RegExp(`(?<![\\w-])${escapePhrase(v)}(?![\\w-])`, "i").test(text));
  if (input.type !== "int") return undefined;
  for (const phrase of phrasesOf(input)) {
    const m = new RegExp(`\\b(\\d+)\\s*(?:[a-z]{1,3}\\s+)?${escapePhrase(phrase)}\\b`, "i").exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/** "greets people with 'hi there'": the input's keyword as a verb, followed by a quoted value. */
function byVerb(text: string, input: PlugInput): string | undefined {
  const root = stem(input.key.toLowerCase().split("_").at(-1)!).replace(/ing$/, "");
  if (root.length < 4) return undefined;
  const m = new RegExp(`\\b${root}\\w*\\b[^"'\u201c]{0,30}["'\u201c]([^"'\u201d]+)["'\u201d]`, "i").exec(
    text,
  );
  return m?.[1]?.trim();
}

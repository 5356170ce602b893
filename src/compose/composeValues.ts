/**
 * Compose's small value syntaxes, read into plain values: durations (`1m30s`), sizes (`512M`), shell words
 * (`command: npm start`), environment lists and env files. Pure; each returns the value or a problem sentence.
 */

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration as Compose writes it (`10s`, `1m30s`, `500ms`) in milliseconds, or a problem sentence. */
export function parseDuration(value: unknown): number | string {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value !== "string" || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value.trim()))
    return `${JSON.stringify(value)} is not a duration like 10s, 1m30s or 500ms`;
  let ms = 0;
  for (const m of value.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Math.round(ms);
}

/** Bytes of `512M`, `1g`, `256mb`, `1073741824`, or a problem sentence. */
export function parseSize(value: unknown): number | string {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  const m = typeof value === "string" ? /^(\d+(?:\.\d+)?)\s*([bkmg]?)(i?b)?$/i.exec(value.trim()) : null;
  if (!m) return `${JSON.stringify(value)} is not a size like 512m or 1g`;
  const unit = m[2]!.toLowerCase();
  const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(m[1]) * mult);
  return bytes > 0 ? bytes : `${JSON.stringify(value)} is not a size above zero`;
}

/** A positive number of CPUs from `0.5` or `"0.5"`, or a problem sentence. */
export function parseCpus(value: unknown): number | string {
  const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0
    ? n
    : `${JSON.stringify(value)} is not a number of CPUs like 0.5`;
}

/**
 * Words of a command written as one string, split the way a POSIX shell splits them (quotes and backslashes;
 * no expansion), as Compose does for `command: npm run start -- --port 3000`.
 */
export function shellWords(text: string): string[] | string {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && /["\\$`]/.test(text[i + 1] ?? "")) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      word += text[++i] ?? "";
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return `the command ${JSON.stringify(text.slice(0, 60))} has an unclosed ${quote} quote`;
  if (inWord) words.push(word);
  return words;
}

/** A scalar as Compose turns it into a string (`true`, `8080`, `0.5`); undefined for anything else. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** `environment:` as a map or a `KEY=VALUE` list: key → value, or null for a key given without one. */
export function environmentEntries(value: unknown): Array<[string, string | null]> | string {
  if (Array.isArray(value)) {
    const out: Array<[string, string | null]> = [];
    for (const item of value) {
      const text = scalarText(item);
      if (text === undefined) return "each entry of the list must be KEY=VALUE";
      const eq = text.indexOf("=");
      out.push(eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)]);
    }
    return out;
  }
  if (typeof value === "object" && value !== null) {
    const out: Array<[string, string | null]> = [];
    for (const [key, v] of Object.entries(value)) {
      if (v === null || v === undefined) out.push([key, null]);
      else {
        const text = scalarText(v);
        if (text === undefined) return `the value of ${key} must be text, a number or true/false`;
        out.push([key, text]);
      }
    }
    return out;
  }
  return "must be a map of KEY: value or a list of KEY=VALUE";
}

/** An env file's `KEY=VALUE` lines (comments, blank lines, `export ` and quotes as Compose reads them). */
export function envFileEntries(text: string): Array<[string, string]> | string {
  const out: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  for (const [n, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) return `line ${n + 1} is not KEY=VALUE`;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, "");
    out.push([m[1]!, value]);
  }
  return out;
}

/** The path an uploaded file is known by: `./app.env`, `app.env` and `./conf/../app.env` are one file. */
export function uploadedPath(path: string): string {
  const parts: string[] = [];
  for (const piece of path.replace(/\\/g, "/").split("/")) {
    if (!piece || piece === ".") continue;
    if (piece === "..") parts.pop();
    else parts.push(piece);
  }
  return parts.join("/");
}

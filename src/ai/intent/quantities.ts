/**
 * Quantities in a request: sizes of memory ("2 GB", "half a gig", "512 megs", "1.5GiB"), CPU ("half a core",
 * "0.25 cpu", "500 millicores"), counts (replicas, log lines, processes). Each reader returns the value and the
 * text with what it read blanked out, so a number is read once.
 */

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  no: 0,
  none: 0,
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  couple: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
};

const FRACTIONS: Readonly<Record<string, number>> = { half: 0.5, quarter: 0.25, third: 1 / 3 };

const WORD_ALTERNATION = Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join("|");

/**
 * A number as typed: `3`, `1.5`, `three`, `a`, `a couple of`, `one and a half`, `half a`, `a quarter of a`.
 * The groups: 1 whole, 2 "and a half", 3 a fraction word alone.
 */
const NUMBER = `(?:(\\d+(?:\\.\\d+)?|${WORD_ALTERNATION})(?:\\s+of)?(\\s+and\\s+a\\s+half)?|(?:an?\\s+|one\\s+)?(half|quarter|third)(?:\\s+(?:of\\s+)?(?:an?|one))?)`;

const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/** "twenty-five" → "25", "thirty two" → "32": compound number words as digits, before anything reads them. */
export function compoundNumbersAsDigits(text: string): string {
  return text.replace(
    new RegExp(`\\b(${Object.keys(TENS).join("|")})[\\s-](${UNITS.join("|")})\\b`, "g"),
    (_all, tens: string, unit: string) => String(TENS[tens]! + UNITS.indexOf(unit) + 1),
  );
}

/** The value of NUMBER's groups. */
function numberValue(
  whole: string | undefined,
  andHalf: string | undefined,
  fraction: string | undefined,
): number {
  if (fraction) return FRACTIONS[fraction] ?? Number.NaN;
  const base = whole === undefined ? Number.NaN : (NUMBER_WORDS[whole] ?? Number(whole));
  return andHalf ? base + 0.5 : base;
}

/** A number word or digits alone (`three`, `3`) → the number; anything else → undefined. */
export function parseCount(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  const value = NUMBER_WORDS[word];
  return value === undefined || word === "a" || word === "an" || word === "no" ? undefined : value;
}

const KIB = 1024;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const TIB = 1024 ** 4;

const MEMORY_UNITS: ReadonlyArray<[RegExp, number]> = [
  [/^(k|kb|kib|kilobytes?|kibibytes?)$/, KIB],
  [/^(m|mb|mib|megs?|megas?|megabytes?|mebibytes?|mo)$/, MIB],
  [/^(g|gb|gib|gigs?|gigas?|gigabytes?|gibibytes?|go)$/, GIB],
  [/^(t|tb|tib|terabytes?|tebibytes?)$/, TIB],
];

const MEMORY_UNIT =
  "(?:kilobytes?|kibibytes?|kib|kb|k|megabytes?|mebibytes?|megas?|megs?|mib|mb|mo|m|gigabytes?|gibibytes?|gigas?|gigs?|gib|gb|go|g|terabytes?|tebibytes?|tib|tb|t)";

/** "a gig" / "a meg" need a spelt-out unit: "a m" is not a size. */
const MEMORY_PATTERN = new RegExp(`(?<![\\w.])${NUMBER}\\s*(${MEMORY_UNIT})(?![\\w])`, "g");

function unitBytes(unit: string): number {
  for (const [pattern, bytes] of MEMORY_UNITS) if (pattern.test(unit)) return bytes;
  return Number.NaN;
}

/** What a reader found, and the text with it blanked out. */
export interface Reading<T> {
  value: T | undefined;
  rest: string;
}

function blank(text: string, index: number, length: number): string {
  return text.slice(0, index) + " ".repeat(length) + text.slice(index + length);
}

/** Memory in bytes: the first size in the text. A bare number after "memory"/"ram" is MB when ≥ 64, else GB. */
export function readMemory(text: string): Reading<number> {
  for (const match of text.matchAll(MEMORY_PATTERN)) {
    const [all, whole, andHalf, fraction, unit] = match;
    // "a m", "one g" are not sizes; a single-letter unit needs digits before it.
    if (unit!.length === 1 && !(whole && /^\d/.test(whole))) continue;
    if ((whole === "a" || whole === "an") && !/^(gig|meg|gigabyte|megabyte|terabyte)/.test(unit!)) continue;
    const value = numberValue(whole, andHalf, fraction) * unitBytes(unit!);
    if (Number.isFinite(value))
      return { value: Math.round(value), rest: blank(text, match.index, all.length) };
  }
  const bare =
    /\b(?:memory|ram|mem)\b(?:\s+(?:limit|size))?\s*(?:to|=|of|at|:)?\s*(\d+(?:\.\d+)?)(?![\w.])/.exec(text);
  if (bare) {
    const n = Number(bare[1]);
    const value = Math.round(n >= 64 ? n * MIB : n * GIB);
    const start = bare.index + bare[0].lastIndexOf(bare[1]!);
    return { value, rest: blank(text, start, bare[1]!.length) };
  }
  return { value: undefined, rest: text };
}

const CPU_UNIT = "(?:v?cpus?|cores?|processors?|vcores?)";
const CPU_PATTERN = new RegExp(`(?<![\\w.])${NUMBER}\\s*(?:(?:cpu|processor)\\s+)?${CPU_UNIT}(?![\\w])`, "g");
const MILLI_CPU = /(?<![\w.])(\d+)\s*(?:m|millicores?|millicpus?|mcpu)\s*(?:of\s+)?(?:cpu|cores?)?(?![\w])/;

/** CPU in cores: "half a core" = 0.5, "2 cpus" = 2, "500 millicores" = 0.5, "cpu to 1.5" = 1.5. */
export function readCpu(text: string): Reading<number> {
  for (const match of text.matchAll(CPU_PATTERN)) {
    const [all, whole, andHalf, fraction] = match;
    const value = numberValue(whole, andHalf, fraction);
    if (Number.isFinite(value)) return { value, rest: blank(text, match.index, all.length) };
  }
  if (/\b(cpu|cores?)\b/.test(text)) {
    const milli = MILLI_CPU.exec(text);
    if (milli && /millic|mcpu|\d+\s*m\b/.test(milli[0]))
      return { value: Number(milli[1]) / 1000, rest: blank(text, milli.index, milli[0].length) };
    const bare =
      /\b(?:v?cpus?|cores?|processors?)\b(?:\s+(?:limit|count|share))?\s*(?:to|=|of|at|:)?\s*(\d+(?:\.\d+)?)(?![\w.])/.exec(
        text,
      );
    if (bare) {
      const start = bare.index + bare[0].lastIndexOf(bare[1]!);
      return { value: Number(bare[1]), rest: blank(text, start, bare[1]!.length) };
    }
  }
  return { value: undefined, rest: text };
}

/** A count before one of `nouns` ("3 replicas", "fifty lines"), or after one of `lead` ("to 3", "last 20"). */
function readCount(text: string, nouns: string, lead?: string): Reading<number> {
  const before = new RegExp(`(?<![\\w.])(\\d+|${WORD_ALTERNATION})\\s+(?:more\\s+)?(?:${nouns})\\b`).exec(
    text,
  );
  if (before) {
    const value =
      before[1] === "a" || before[1] === "an" ? 1 : (NUMBER_WORDS[before[1]!] ?? Number(before[1]));
    if (Number.isFinite(value)) return { value, rest: blank(text, before.index, before[0].length) };
  }
  if (lead) {
    const after = new RegExp(`\\b(?:${lead})\\s*(\\d+|${WORD_ALTERNATION})(?![\\w.])`).exec(text);
    if (after && after[1] !== "a" && after[1] !== "an") {
      const value = NUMBER_WORDS[after[1]!] ?? Number(after[1]);
      if (Number.isFinite(value)) return { value, rest: blank(text, after.index, after[0].length) };
    }
  }
  return { value: undefined, rest: text };
}

/** Replicas: "3 replicas", "three copies", "to 3", "x3", "up to 2", "down to one". */
export function readReplicas(text: string): Reading<number> {
  return readCount(
    text,
    "replicas?|copies|copy|instances?|containers?|nodes?|workers?|pods?|processes|times|of them",
    "to|x|×|=|at|with|replicas?(?:\\s+to)?|count(?:\\s+to)?|scale(?:\\s+it)?",
  );
}

/** Log lines: "50 lines", "last 100", "tail 20". */
export function readLines(text: string): Reading<number> {
  const flag = /(?:^|\s)-n\s*(\d+)\b/.exec(text);
  if (flag) return { value: Number(flag[1]), rest: blank(text, flag.index, flag[0].length) };
  return readCount(text, "lines?|entries|rows|log lines", "last|tail|first|latest|recent");
}

/** A process limit: "256 pids", "pids to 512", "a limit of 100 processes". */
export function readPids(text: string): Reading<number> {
  const before = readCount(text, "pids|pid|processes|process limit");
  if (before.value !== undefined) return before;
  const after = /\b(?:pids?|process(?:es)?)\b(?:\s+limit)?[^\d]{0,30}?\b(\d+)\b/.exec(text);
  if (!after) return { value: undefined, rest: text };
  const start = after.index + after[0].length - after[1]!.length;
  return { value: Number(after[1]), rest: blank(text, start, after[1]!.length) };
}

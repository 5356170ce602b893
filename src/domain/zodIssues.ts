import * as z from "zod";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export interface IssueOptions {
  /** How the person names the field at `path` (default: `fieldPath(path)`, or `input` for the whole value). */
  fieldName?: (path: Path) => string;
  /** At most this many problems are spelled out (default 5); the rest are counted. */
  limit?: number;
}

/**
 * A field's path as people write it: `services[0].image`, after `prefix` when given (`body.replicas`).
 * Empty for the whole value without a prefix.
 */
export function fieldPath(path: Path, prefix?: string): string {
  let out = prefix ?? "";
  for (const key of path)
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

/**
 * One message for every problem zod found, each naming its field in the person's words: "tenant must be a
 * DNS label …", "body.replicas must be at most 20", "body.colour is not a known field". A schema's own message
 * is kept; zod's built-in wording ("Too small: expected number to be >0") never reaches anyone.
 * @example throw new AimsError("invalid_input", formatIssues(parsed.error, { fieldName: (p) => fieldPath(p, "body") }))
 */
export function formatIssues(error: { issues: readonly Issue[] }, options: IssueOptions = {}): string {
  const name = options.fieldName ?? ((path: Path) => fieldPath(path) || "input");
  const limit = options.limit ?? 5;
  const lines = [...new Set(error.issues.flatMap((issue) => linesOf(issue, name)))];
  const shown = lines.slice(0, limit).join("; ");
  return lines.length > limit ? `${shown}; and ${lines.length - limit} more` : shown;
}

function linesOf(issue: Issue, name: (path: Path) => string): string[] {
  if (issue.code === "unrecognized_keys")
    return issue.keys.map((key) => `${name([...issue.path, key])} is not a known field`);
  if (issue.code === "invalid_key") {
    // The key is the last step of the path; the field is the record holding it.
    const key = issue.path.at(-1);
    return [
      `${name(issue.path.slice(0, -1))} has a key ${JSON.stringify(String(key))} that ${nestedPredicate(issue.issues)}`,
    ];
  }
  const own = ownMessage(issue);
  const field = name(issue.path);
  if (own === undefined) return [`${field} ${predicate(issue)}`];
  return [PREDICATE.test(own) ? `${field} ${own}` : `${field}: ${own}`];
}

/** A schema's own message reads after the field name when it starts like a predicate ("must be …"). */
const PREDICATE = /^(must|is|are|needs|sets|has|have|cannot|should|may|names|references|contains)\b/;

/** zod's own wording for an issue (its locale's), as if the input had been missing. */
function zodWording(issue: Issue): string {
  const words = z.config().localeError?.({ ...issue, input: undefined } as z.core.$ZodRawIssue);
  return typeof words === "string" ? words : (words?.message ?? "Invalid input");
}

/** The issue's message when a schema wrote it; undefined when it is zod's own wording. */
function ownMessage(issue: Issue): string | undefined {
  const zodWords = zodWording(issue);
  if (issue.message === zodWords) return undefined;
  // A finished issue no longer carries its input, which zod's wording names at the end ("received number").
  if (issue.code === "invalid_type" && issue.message.startsWith(zodWords.replace(/undefined$/, "")))
    return undefined;
  return issue.message;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "a list",
  tuple: "a list",
  date: "a date",
  null: "null",
};

const FORMAT_WORDS: Record<string, string> = {
  email: "an email address",
  url: "a URL",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  cidrv4: "an IPv4 range",
  cidrv6: "an IPv6 range",
  uuid: "a UUID",
  guid: "a UUID",
  datetime: "an ISO 8601 date and time",
  date: "an ISO 8601 date (YYYY-MM-DD)",
  time: "an ISO 8601 time",
  duration: "an ISO 8601 duration",
  base64: "base64",
  base64url: "base64url",
  jwt: "a JWT",
};

const SIZE_UNITS: Record<string, [string, string]> = {
  string: ["be", "characters"],
  array: ["have", "items"],
  set: ["have", "items"],
  map: ["have", "entries"],
  file: ["be", "bytes"],
};

/** Our words for one of zod's built-in checks, as a predicate of the field ("must be at most 20"). */
function predicate(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.message === zodWording(issue)) return "is required";
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case "too_big":
    case "too_small":
      return sizePredicate(issue);
    case "invalid_format": {
      const text = issue as unknown as { prefix?: string; suffix?: string; includes?: string };
      if (issue.format === "regex") return `must match the pattern ${issue.pattern}`;
      if (issue.format === "starts_with") return `must start with "${text.prefix}"`;
      if (issue.format === "ends_with") return `must end with "${text.suffix}"`;
      if (issue.format === "includes") return `must contain "${text.includes}"`;
      return `must be ${FORMAT_WORDS[issue.format] ?? `a valid ${issue.format}`}`;
    }
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of: ${issue.values.map(String).join(", ")}`;
    case "invalid_union":
      return unionPredicate(issue);
    case "invalid_element":
      return `has an entry that ${nestedPredicate(issue.issues)}`;
    default:
      return "is not valid";
  }
}

function sizePredicate(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const big = issue.code === "too_big";
  const limit = big ? issue.maximum : (issue as z.core.$ZodIssueTooSmall).minimum;
  const open = issue.inclusive === false;
  const size = SIZE_UNITS[issue.origin];
  if (!size) {
    const shown = issue.origin === "date" ? new Date(Number(limit)).toISOString() : String(limit);
    return issue.exact ? `must be ${shown}` : `must be ${bound(big, open, "less than")} ${shown}`;
  }
  const [verb, units] = size;
  const unit = Number(limit) === 1 ? units.slice(0, -1) : units;
  if (!big && !open && !issue.exact && Number(limit) === 1)
    return issue.origin === "string" ? "must not be empty" : `must ${verb} at least one ${unit}`;
  return `must ${verb} ${issue.exact ? "exactly" : bound(big, open, "fewer than")} ${String(limit)} ${unit}`;
}

/** "at most", "at least", "more than", or `below` ("less than", "fewer than") for an exclusive maximum. */
function bound(big: boolean, open: boolean, below: string): string {
  if (big) return open ? below : "at most";
  return open ? "more than" : "at least";
}

/** "must be an IPv4 address, an IPv6 address or \"localhost\"" from the options' own problems. */
function unionPredicate(issue: z.core.$ZodIssueInvalidUnion): string {
  // A discriminated union names the values its discriminator (the issue's field) may take.
  if ("options" in issue && issue.options?.length)
    return `must be one of: ${issue.options.map(String).join(", ")}`;
  const options = [
    ...new Set(
      issue.errors.map((branch) =>
        branch.length === 1 && branch[0]!.path.length === 0 ? nestedPredicate(branch) : "",
      ),
    ),
  ];
  if (options.length === 0 || options.includes("")) return "is not valid";
  if (options.length === 1) return options[0]!;
  if (options.every((o) => o.startsWith("must be "))) {
    const kinds = options.map((o) => o.slice("must be ".length));
    return `must be ${kinds.slice(0, -1).join(", ")} or ${kinds.at(-1)}`;
  }
  return options.join(" or ");
}

/** The first problem of a nested check (a record's key, a set's entry, a union's option) as a predicate. */
function nestedPredicate(issues: readonly Issue[]): string {
  const first = issues[0];
  if (!first) return "is not valid";
  const own = ownMessage(first);
  if (own === undefined) return predicate(first);
  return PREDICATE.test(own) ? own : `is not valid (${own})`;
}

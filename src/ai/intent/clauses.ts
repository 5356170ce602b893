/**
 * A request cut into its steps: sentences, then the parts joined by "and", "then", commas. Parts are put
 * back together where they are one step: words with no verb of their own belong to the step before ("2
 * cpus" in "4g ram, 2 cpus"), or, at the start, to the first step ("web is acting weird, can you reboot it?").
 * A part with no verb that names an instance or plug of its own is the step before done again for it ("stop
 * web and db").
 */

/** One part of the request, in lower case (`text`) and as typed (`raw`). */
export interface Part {
  text: string;
  raw: string;
}

/** What the reader says of a part: does it ask for a tool itself; does it name something of its own. */
export interface PartShape {
  asks: boolean;
  names: boolean;
  /** The tool it asks for, when it asks. */
  tool?: string;
}

/** A step: its text, and whether it repeats the step before for what it names. */
export interface Clause extends Part {
  repeats: boolean;
  /** The tool its asking part asked for. */
  tool?: string;
}

const IDIOMS: ReadonlyArray<[RegExp, string]> = [
  [/\bdrag and drop\b/gi, "dragdrop"],
  [/\bup and running\b/gi, "running"],
  [/\boff and on( again)?\b/gi, "off-on"],
  [/\bon and off\b/gi, "on-off"],
  [/\b(data|volumes?) and all\b/gi, "$1_and_all"],
];

const SENTENCE_END = /[.!?]+(?=\s|$)/g;
const JOINERS =
  /\s*(?:,|;|:(?=\s)|\s-\s|\band then\b|\bthen\b|\band also\b|\band\b(?! a half\b)|\bafter that\b|\bafterwards\b|\bplus\b|\bbut also\b)\s*/gi;

/** The text with quoted values blanked, so nothing inside quotes splits a request. */
function masked(text: string): string {
  return text.replace(/(["'])[^"']*\1/g, (quoted) => "x".repeat(quoted.length));
}

function cut(text: string, pattern: RegExp): string[] {
  const mask = masked(text);
  const parts: string[] = [];
  let start = 0;
  for (const match of mask.matchAll(pattern)) {
    parts.push(text.slice(start, match.index));
    start = match.index + match[0].length;
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The parts of a request, in order. `raw` is the normalized request with its capitals kept. */
export function partsOf(raw: string): Part[] {
  let text = raw;
  for (const [pattern, replacement] of IDIOMS) text = text.replace(pattern, replacement);
  return cut(text, SENTENCE_END)
    .flatMap((sentence) => cut(sentence, JOINERS))
    .map((part) => ({ raw: part, text: part.toLowerCase() }));
}

function join(a: Part, b: Part): Part {
  return { raw: `${a.raw} ${b.raw}`, text: `${a.text} ${b.text}` };
}

/** The steps of a request: parts joined as the module comment says. */
export function clausesOf(parts: readonly Part[], shape: (part: Part) => PartShape): Clause[] {
  const clauses: Clause[] = [];
  let lead: Part | undefined;
  for (const part of parts) {
    const { asks, names, tool } = shape(part);
    const previous = clauses.at(-1);
    // "logs of notes' api, last 30 lines": more of the same step, naming nothing new.
    const continues = previous && asks && !names && tool !== undefined && tool === previous.tool;
    if (asks && !continues) {
      clauses.push({ ...(lead ? join(lead, part) : part), repeats: false, tool });
      lead = undefined;
    } else if (!previous) lead = lead ? join(lead, part) : part;
    else if (names && !continues) clauses.push({ ...part, repeats: true });
    else
      clauses[clauses.length - 1] = {
        ...join(previous, part),
        repeats: previous.repeats,
        tool: previous.tool,
      };
  }
  if (lead) clauses.push({ ...lead, repeats: false });
  return clauses;
}

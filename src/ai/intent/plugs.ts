import { indexTerm, type PlugIndex } from "./plugIndex.js";
import { stem } from "./stem.js";
import { isNumeric, STOP_WORDS, words } from "./text.js";
import { isTypoOf } from "./typos.js";
import { KIND_WORDS, PLAIN_WORDS } from "./vocabulary.js";

/** A plug named in the text: by its id, title or an alias, exactly or with a typo. */
export interface PlugMention {
  plug: string;
  /** The words of the text that named it. */
  words: string[];
  typo: boolean;
}

/**
 * The plugs a text names. Longer names win over the shorter names inside them ("n8n with postgresql" over
 * "n8n"); two plugs whose ids together make a third ("n8n" and "postgres" → `n8n-postgres`) are that one.
 */
export function plugMentions(
  text: string,
  index: PlugIndex,
  skip: ReadonlySet<string> = new Set(),
): PlugMention[] {
  const tokens = words(text.replace(/_/g, " "))
    .filter((w) => !skip.has(w))
    .flatMap((w) => w.split("-"))
    .filter(Boolean);
  const used = new Array<boolean>(tokens.length).fill(false);
  const found: PlugMention[] = [];
  // Exact names, longest first at each position.
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    for (const [alias, plug] of index.aliasesByWord.get(tokens[i]!) ?? []) {
      const parts = alias.split(" ");
      if (parts.every((part, k) => tokens[i + k] === part && !used[i + k])) {
        for (let k = 0; k < parts.length; k++) used[i + k] = true;
        found.push({ plug, words: parts, typo: false });
        break;
      }
    }
  }
  // Typos of one-word names ("postgress", "qdarnt") and of two-word names ("notse api", "uptime kumma").
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const word = tokens[i]!;
    if (word.length < 4 || isNumeric(word) || STOP_WORDS.has(word) || PLAIN_WORDS.has(word)) continue;
    if (index.vocabulary.has(stem(word))) continue;
    const next = tokens[i + 1];
    for (const [alias, plug] of index.aliases) {
      const twoWords = alias.includes(" ");
      if (twoWords && (!next || used[i + 1] || alias.split(" ").length !== 2)) continue;
      const candidate = twoWords ? `${word} ${next}` : word;
      if (isTypoOf(candidate, alias)) {
        used[i] = true;
        if (twoWords) used[i + 1] = true;
        found.push({ plug, words: candidate.split(" "), typo: true });
        break;
      }
    }
  }
  return combine(found, index);
}

function combine(found: PlugMention[], index: PlugIndex): PlugMention[] {
  if (found.length < 2) return found;
  const ids = new Set(found.map((m) => m.plug));
  for (const id of index.entries.keys()) {
    const parts = id.split("-");
    if (parts.length < 2 || ids.has(id) || !parts.every((part) => ids.has(part))) continue;
    const covering = found.filter((m) => parts.includes(m.plug));
    return [
      { plug: id, words: covering.flatMap((m) => m.words), typo: covering.some((m) => m.typo) },
      ...found.filter((m) => !covering.includes(m)),
    ];
  }
  return found;
}

/** A plug's score for a description. */
export interface RankedPlug {
  plug: string;
  score: number;
}

/** The catalog ranked for the words of a need ("a workflow automation tool"), best first. */
export function rankPlugs(
  need: readonly string[],
  index: PlugIndex,
  among?: ReadonlySet<string>,
): RankedPlug[] {
  const query = need.filter((w) => !PLAIN_WORDS.has(w) && indexTerm(w) !== null).join(" ");
  if (!query) return [];
  return index.search
    .search(query, among ? { filter: (r) => among.has(r.id as string) } : undefined)
    .map((r) => ({ plug: r.id as string, score: r.score }));
}

/** The kind a text names ("database" → `category:database`, "ai" → `tag:llm`), if it names one. */
export function kindOf(tokens: readonly string[]): string | undefined {
  for (const word of tokens) {
    const kind = KIND_WORDS[word];
    if (kind) return kind;
  }
  return undefined;
}

/** The plugs of a kind. */
export function plugsOfKind(kind: string, index: PlugIndex): Set<string> {
  const [field, value] = kind.split(":") as [string, string];
  const plugs = new Set<string>();
  for (const entry of index.entries.values())
    if (field === "category" ? entry.category === value : entry.tags.includes(value)) plugs.add(entry.id);
  return plugs;
}

/** True when the word is one the catalog, the plain words of a request or a typo of a catalog word accounts for. */
export function isKnownWord(
  word: string,
  index: PlugIndex,
  extra: ReadonlySet<string>,
  typos = true,
): boolean {
  if (STOP_WORDS.has(word) || PLAIN_WORDS.has(word) || extra.has(word) || isNumeric(word) || KIND_WORDS[word])
    return true;
  const stemmed = stem(word);
  if (index.vocabulary.has(stemmed) || index.vocabulary.has(word)) return true;
  if (word.length < 5 || !typos) return false;
  const cache = typoCache.get(index) ?? new Map<string, boolean>();
  typoCache.set(index, cache);
  let typo = cache.get(stemmed);
  if (typo === undefined) {
    typo = false;
    for (const known of index.vocabulary) if (known.length >= 5 && isTypoOf(stemmed, known)) typo = true;
    if (cache.size < 10_000) cache.set(stemmed, typo);
  }
  return typo;
}

/** Whether a word is a typo of a catalog word, per catalog index: the same words come back turn after turn. */
const typoCache = new WeakMap<PlugIndex, Map<string, boolean>>();

import MiniSearch from "minisearch";
import { stem } from "./stem.js";
import { STOP_WORDS, words } from "./text.js";
import type { IntentContext } from "./types.js";
import { KIND_WORDS, PLUG_ALIASES, PLUG_NEEDS } from "./vocabulary.js";

export type CatalogEntry = IntentContext["catalog"][number];

/** The catalog made searchable: names and aliases for exact mentions, a full-text index for descriptions. */
export interface PlugIndex {
  entries: ReadonlyMap<string, CatalogEntry>;
  /** Alias phrase (words joined by one space) → plug id, longest phrases first. */
  aliases: ReadonlyArray<[string, string]>;
  /** The same aliases by their first word. */
  aliasesByWord: ReadonlyMap<string, ReadonlyArray<[string, string]>>;
  search: MiniSearch<{ id: string }>;
  /** Every stemmed word the index knows, to tell a catalog word from a name the catalog lacks. */
  vocabulary: ReadonlySet<string>;
}

/** A term as the index keeps it: lower case, stemmed, no stop words. */
export function indexTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (STOP_WORDS.has(lower) && !KIND_WORDS[lower]) return null;
  return stem(lower);
}

function phrase(text: string): string {
  return words(text.toLowerCase().replace(/[-_]/g, " ")).join(" ");
}

function build(catalog: IntentContext["catalog"]): PlugIndex {
  const entries = new Map(catalog.map((entry) => [entry.id, entry]));
  const aliasMap = new Map<string, string>();
  for (const entry of catalog) {
    const names = [entry.id, entry.title, ...(PLUG_ALIASES[entry.id] ?? [])];
    for (const name of names) {
      for (const form of [phrase(name), name.toLowerCase().replace(/[\s-]+/g, "")])
        if (form && !aliasMap.has(form)) aliasMap.set(form, entry.id);
    }
  }
  const aliases = [...aliasMap].sort((a, b) => b[0].length - a[0].length);
  const aliasesByWord = new Map<string, Array<[string, string]>>();
  for (const entry of aliases) {
    const first = entry[0].split(" ")[0]!;
    aliasesByWord.set(first, [...(aliasesByWord.get(first) ?? []), entry]);
  }
  const search = new MiniSearch<{ id: string }>({
    fields: ["name", "title", "needs", "tags", "category", "description"],
    storeFields: ["id"],
    tokenize: (text) => words(text.toLowerCase().replace(/[-_/]/g, " ")),
    processTerm: indexTerm,
    searchOptions: {
      boost: { name: 4, title: 3, needs: 2.5, tags: 2, category: 1.5, description: 1 },
      combineWith: "OR",
      prefix: (term) => term.length >= 5,
      fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
    },
  });
  search.addAll(
    catalog.map((entry) => ({
      id: entry.id,
      name: entry.id,
      title: entry.title,
      needs: PLUG_NEEDS[entry.id] ?? "",
      tags: entry.tags.join(" "),
      category: entry.category,
      description: entry.description,
    })),
  );
  const vocabulary = new Set<string>();
  for (const entry of catalog)
    for (const text of [entry.id, entry.title, entry.description, entry.category, PLUG_NEEDS[entry.id] ?? ""])
      for (const word of words(text.toLowerCase().replace(/[-_/]/g, " "))) vocabulary.add(stem(word));
  for (const entry of catalog)
    for (const tag of entry.tags) for (const w of words(tag)) vocabulary.add(stem(w));
  return { entries, aliases, aliasesByWord, search, vocabulary };
}

let last: { key: string; index: PlugIndex } | undefined;

/** The index of a catalog, built once per distinct catalog (the same catalog every turn reuses it). */
export function plugIndex(catalog: IntentContext["catalog"]): PlugIndex {
  const key = catalog
    .map((e) => `${e.id}\u0000${e.title}\u0000${e.description}\u0000${e.tags.join(",")}`)
    .join("\u0001");
  if (last?.key !== key) last = { key, index: build(catalog) };
  return last.index;
}

import type { Focus } from "./focus.js";
import type { PlugIndex } from "./plugIndex.js";
import { isKnownWord, kindOf, plugMentions, plugsOfKind, type RankedPlug, rankPlugs } from "./plugs.js";
import { STOP_WORDS, words } from "./text.js";
import type { IntentContext } from "./types.js";
import { KIND_WORDS, LOOKALIKES, PLAIN_WORDS } from "./vocabulary.js";

/** Which plug a request for something new means. */
export type PlugChoice =
  | { kind: "plug"; plug: string }
  | { kind: "ambiguous"; question: string; options: string[] }
  | { kind: "unknown"; reply: string }
  | { kind: "none" };

/** What choosing a plug needs. */
export interface ChoiceEnv {
  context: IntentContext;
  index: PlugIndex;
  focus: Focus;
}

/** Words that ask for something new, which stand before what is asked for. */
const ASKING = new Set(
  (
    "deploy install instal provision launch spin setup set create host add get give gimme make build run need needs " +
    "want wants require bring stand start spawn fire put stick"
  ).split(" "),
);
const THING_NOUNS = new Set([
  "db",
  "database",
  "server",
  "cluster",
  "instance",
  "image",
  "container",
  "service",
  "app",
]);
/** Words that may stand between an asking verb and its object ("install the ollama", "spin up a new db"). */
const OBJECT_LEAD = new Set("a an the some another new me us up for one my our any".split(" "));
const PRONOUN = /\b(it|that|this|that one|this one|the same)\b/;

/** A score this far above the next is a clear choice; within CLOSE of the best is a real alternative. */
const CLEAR = 1.6;
const CLOSE = 0.5;
const MEANINGFUL = 1.5;

function pieces(token: string): string[] {
  return token.split(/[-/]/).filter(Boolean);
}

/** The words of the text that name something the catalog does not have, where a plug's name would stand. */
function unknownProduct(tokens: readonly string[], env: ChoiceEnv): string | undefined {
  const extra = new Set([...ASKING, ...env.context.instances.map((i) => i.name)]);
  const comparing = /\b(like|similar to|alternative to|instead of|replace|replacement for|such as)\b/.test(
    tokens.join(" "),
  );
  const known = (t: string) =>
    (comparing || !LOOKALIKES.has(t)) && pieces(t).every((p) => isKnownWord(p, env.index, extra));
  // The object of the asking verb, past articles and modifiers; "want my team to be able…" has none.
  const firstAsk = tokens.findIndex((t) => ASKING.has(t));
  let head: string | undefined;
  const rest = tokens.slice(firstAsk + 1);
  for (const [i, t] of rest.entries()) {
    if (ASKING.has(t) || PLAIN_WORDS.has(t) || OBJECT_LEAD.has(t)) continue;
    // "want to run gitlab": the verb after "to" is still the asking.
    if (t === "to" && ASKING.has(rest[i + 1] ?? "")) continue;
    if (!STOP_WORDS.has(t)) head = t;
    break;
  }
  if (head && !known(head)) return head;
  for (let i = 0; i + 1 < tokens.length; i++)
    if (
      THING_NOUNS.has(tokens[i + 1]!) &&
      !STOP_WORDS.has(tokens[i]!) &&
      !PLAIN_WORDS.has(tokens[i]!) &&
      !known(tokens[i]!)
    )
      return tokens[i];
  return undefined;
}

/** A plug and its variant both fit ("n8n" and "n8n-postgres"): the variant only when its feature is asked for. */
function withoutUnaskedVariants(ranked: RankedPlug[], tokens: readonly string[]): RankedPlug[] {
  const ids = new Set(ranked.map((r) => r.plug));
  return ranked.filter((r) => {
    const base = [...ids].find((id) => id !== r.plug && r.plug.startsWith(`${id}-`));
    if (!base) return true;
    const feature = r.plug.slice(base.length + 1);
    return tokens.some((t) => t.startsWith(feature.slice(0, 5)));
  });
}

function titled(plugs: readonly string[], index: PlugIndex): string {
  return plugs.map((p) => `${p} (${index.entries.get(p)?.title ?? p})`).join(", ");
}

function decide(ranked: RankedPlug[], index: PlugIndex, fallback?: string[]): PlugChoice {
  const top = ranked[0];
  if (!top || top.score < MEANINGFUL) {
    if (fallback && fallback.length > 1)
      return {
        kind: "ambiguous",
        question: `Which one fits: ${titled(fallback, index)}?`,
        options: fallback,
      };
    if (fallback?.length === 1) return { kind: "plug", plug: fallback[0]! };
    return { kind: "none" };
  }
  const second = ranked[1];
  if (!second || top.score >= second.score * CLEAR) return { kind: "plug", plug: top.plug };
  const options = ranked
    .filter((r) => r.score >= top.score * CLOSE)
    .slice(0, 4)
    .map((r) => r.plug);
  return { kind: "ambiguous", question: `Which one fits: ${titled(options, index)}?`, options };
}

/**
 * The plug a request for something new means: one it names (by id, title, alias or with a typo); the one
 * just talked about ("deploy it"); else the catalog ranked for what the request describes, narrowed to a
 * kind when it names one ("a vector db" → qdrant; "a database" → which?). A product the catalog lacks
 * ("deploy wordpress") is `unknown`.
 */
export function choosePlug(text: string, env: ChoiceEnv, newName?: string): PlugChoice {
  const skip = new Set(newName ? [newName] : []);
  let mentions = plugMentions(text, env.index, skip);
  // "a chat ui for ollama": a plug after "for" is what the new one serves, when the rest describes one.
  const served = mentions.filter((m) =>
    new RegExp(`\\b(for|to|in front of|on top of)\\s+(the\\s+|my\\s+|our\\s+)?${m.words[0]}\\b`).test(text),
  );
  if (served.length && served.length === mentions.length) {
    const described = words(text).filter((t) => !served.some((m) => m.words.includes(t)) && !ASKING.has(t));
    const ranked = rankPlugs(described, env.index).filter((r) => !served.some((m) => m.plug === r.plug));
    const choice = decide(withoutUnaskedVariants(ranked, described), env.index);
    if (choice.kind === "plug") return choice;
    if (choice.kind !== "none") mentions = [];
  }
  const distinct = [...new Set(mentions.map((m) => m.plug))];
  if (distinct.length === 1) return { kind: "plug", plug: distinct[0]! };
  if (distinct.length > 1)
    return {
      kind: "ambiguous",
      question: `Which one should I deploy: ${titled(distinct, env.index)}?`,
      options: distinct,
    };
  if (PRONOUN.test(text)) {
    if (env.focus.plug) return { kind: "plug", plug: env.focus.plug };
    if (env.focus.query) {
      const fromSearch = decide(rankPlugs(words(env.focus.query), env.index), env.index);
      if (fromSearch.kind !== "none") return fromSearch;
    }
  }
  const tokens = words(text).filter((t) => !skip.has(t));
  const unknown = unknownProduct(tokens, env);
  if (unknown)
    return {
      kind: "unknown",
      reply: `${unknown} is not in the catalog, so I can't deploy it. Ask "what can I deploy?" to see the ${env.index.entries.size} plugs, or tell me what you need it for.`,
    };
  const need = tokens.flatMap(pieces).filter((t) => !ASKING.has(t));
  const kind = kindOf(need);
  if (kind) {
    const among = plugsOfKind(kind, env.index);
    const others = need.filter((t) => !KIND_WORDS[t]);
    const ranked = withoutUnaskedVariants(rankPlugs(others, env.index, among), need);
    const all = [...among];
    const order = new Map(ranked.map((r, i) => [r.plug, i]));
    all.sort((a, b) => (order.get(a) ?? 99) - (order.get(b) ?? 99));
    return decide(ranked, env.index, all);
  }
  return decide(withoutUnaskedVariants(rankPlugs(need, env.index), need), env.index);
}

import type { PlugIndex } from "./plugIndex.js";
import { kindOf, plugMentions, plugsOfKind, rankPlugs } from "./plugs.js";
import { STOP_WORDS } from "./text.js";
import type { IntentContext } from "./types.js";
import { nearestNames } from "./typos.js";
import { PLAIN_WORDS } from "./vocabulary.js";

type Instance = IntentContext["instances"][number];

/** How a clause names its instance(s), strongest first. */
export type Via =
  | "name"
  | "segment"
  | "plug"
  | "typo"
  | "service"
  | "kind"
  | "pronoun"
  | "state"
  | "all"
  | "none";

/** The instances a clause names, how, and the service it names in them. */
export interface InstanceReference {
  names: string[];
  via: Via;
  service?: string;
  /** When nothing matched: the word that looked like a name ("restart blog"). */
  unmatched?: string;
}

const PRONOUNS = /\b(it|its|itself|that|this|him|her|them|same|there)\b/;
const STATE_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/\b(fail|failed|failing|broken|crashed|crashing|dead|died|erroring)\b/, "failed"],
  [/\bstopped\b/, "stopped"],
  [/\bsuspended\b/, "suspended"],
];

/** What else the resolver needs: the catalog index, the instances just talked about (newest first). */
export interface ResolveOptions {
  index: PlugIndex;
  focus: readonly string[];
  /** Words that are not about the instance (the tool's own words, quantities, hosts, a new name). */
  ignore: ReadonlySet<string>;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/**
 * The instances of the tenant a clause names: its exact name; a name's first part ("web" → web-prod); the
 * plug it runs ("the n8n" → automation); a typo ("notse"); one of its services ("the api"); what it is
 * ("the database", "my workflow thingy"); a pronoun ("it", "that one") for the instance just talked about;
 * its state ("the failed one"); everything ("all my instances").
 */
export function resolveInstances(
  tokens: readonly string[],
  text: string,
  instances: readonly Instance[],
  options: ResolveOptions,
): InstanceReference {
  const names = instances.map((i) => i.name);
  const free = tokens.filter((t) => !options.ignore.has(t));
  const withService = (ref: InstanceReference): InstanceReference => ({
    ...ref,
    service: serviceIn(free, ref, instances),
  });

  const exact = unique(
    free.flatMap((t, i) => {
      const joined = i + 1 < free.length ? `${t}-${free[i + 1]}` : "";
      if (joined && names.includes(joined)) return [joined];
      return names.includes(t) && !(i > 0 && names.includes(`${free[i - 1]}-${t}`)) ? [t] : [];
    }),
  );
  if (exact.length) return withService({ names: exact, via: "name" });

  const segment = unique(
    free.flatMap((t) =>
      t.length >= 2 ? names.filter((n) => n.split("-").includes(t) || n.startsWith(`${t}-`)) : [],
    ),
  );
  if (segment.length) return withService({ names: segment, via: "segment" });

  const mentioned = plugMentions(free.join(" "), options.index);
  if (mentioned.length) {
    const plugs = new Set(mentioned.map((m) => m.plug));
    const running = instances.filter((i) => plugs.has(i.plug)).map((i) => i.name);
    if (running.length) {
      const used = new Set(mentioned.flatMap((m) => m.words));
      return {
        names: running,
        via: "plug",
        service: serviceIn(
          free.filter((t) => !used.has(t)),
          { names: running, via: "plug" },
          instances,
        ),
      };
    }
  }

  const unknown = free.filter((t) => !STOP_WORDS.has(t) && !PLAIN_WORDS.has(t) && !/^\d/.test(t));
  const typos = unique(unknown.flatMap((t) => nearestNames(t, names)));
  if (typos.length) return withService({ names: typos, via: "typo" });

  const byService = unique(
    free.flatMap((t) =>
      instances.filter((i) => i.services.includes(t) && !names.includes(t)).map((i) => i.name),
    ),
  );
  if (byService.length) {
    const service = free.find((t) => instances.some((i) => i.services.includes(t)));
    return { names: byService, via: "service", service };
  }

  const kind = kindOf(free);
  if (kind) {
    const plugs = plugsOfKind(kind, options.index);
    const ofKind = instances.filter((i) => plugs.has(i.plug)).map((i) => i.name);
    if (ofKind.length) return { names: ofKind, via: "kind" };
  }
  // "the website", "my workflow thingy": a description needs its article; a bare word is a name ("restart blog").
  const described = /\b(the|my|our|your|this|that)\b/.test(text)
    ? describedInstances(free, instances, options.index)
    : [];
  if (described.length) return { names: described, via: "kind" };

  if (/\b(both)\b/.test(text) && options.focus.length >= 2)
    return { names: options.focus.slice(0, 2), via: "pronoun" };
  if (/\b(other|another) one\b|\bthe other\b/.test(text)) {
    const others = names.filter((n) => n !== options.focus[0]);
    return { names: others, via: others.length === 1 ? "pronoun" : "none" };
  }
  if (/\b(all|every|everything|each)\b/.test(text)) return { names, via: "all" };
  if (PRONOUNS.test(text) && options.focus.length) return { names: [options.focus[0]!], via: "pronoun" };

  for (const [pattern, state] of STATE_WORDS) {
    if (!pattern.test(text)) continue;
    const inState = instances.filter((i) => i.state.startsWith(state)).map((i) => i.name);
    if (inState.length) return { names: inState, via: "state" };
  }
  const unmatched = unknown.find((t) => t.length > 1 && /^[a-z][a-z0-9-]*$/.test(t));
  return { names: [], via: "none", ...(unmatched ? { unmatched } : {}) };
}

/** Instances whose plug the words describe ("the website", "the uptime monitor", "my workflow thingy"). */
function describedInstances(
  free: readonly string[],
  instances: readonly Instance[],
  index: PlugIndex,
): string[] {
  const plugs = new Set(instances.map((i) => i.plug));
  if (!plugs.size) return [];
  const ranked = rankPlugs(free, index, plugs);
  const top = ranked[0];
  if (!top || top.score < 3) return [];
  const close = ranked.filter((r) => r.score >= top.score * 0.75).map((r) => r.plug);
  return instances.filter((i) => close.includes(i.plug)).map((i) => i.name);
}

/** The service a clause names in the instance it names ("the api service in notes", "redis in notes"). */
function serviceIn(
  free: readonly string[],
  ref: InstanceReference,
  instances: readonly Instance[],
): string | undefined {
  if (ref.names.length !== 1) return undefined;
  const instance = instances.find((i) => i.name === ref.names[0]);
  if (!instance || instance.services.length < 2) return undefined;
  return free.find((t) => t !== instance.name && instance.services.includes(t));
}

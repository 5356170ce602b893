import { parseMemory } from "../../domain/manifest.js";
import { type ClauseEnv, type ClauseResult, clarify, refuse } from "./clauseResults.js";
import type { Clause, PartShape } from "./clauses.js";
import { type ToolCue, toolCues } from "./cues.js";
import { readDeploy } from "./deployStep.js";
import { askInstance, readInstanceTool } from "./instanceStep.js";
import { resolveInstances } from "./instances.js";
import { CUE_WORDS, INSTANCE_TOOLS } from "./lexicon.js";
import { choosePlug } from "./plugChoice.js";
import { plugMentions } from "./plugs.js";
import { cueText, escapeRegExp, PRONOUN, type Slots, slotsOf } from "./slots.js";
import { STOP_WORDS, words } from "./text.js";
import type { IntentResult, ToolCall, ToolName } from "./types.js";

export type { ClauseEnv, ClauseResult };

/** Does this part ask for a tool on its own, and does it name an instance, a plug or a host? */
export function shapeOf(text: string, env: ClauseEnv): PartShape {
  const slots = slotsOf(text);
  const cues = toolCues(cueText(text, slots), {
    resources: slots.memory !== undefined || slots.cpu !== undefined,
    lines: slots.lines !== undefined,
    host: slots.hosts.length > 0,
  });
  const tokens = words(text);
  const instanceNames = new Set(env.context.instances.map((i) => i.name));
  const plugNamed = plugMentions(text, env.index).length > 0;
  const names = tokens.some((t) => instanceNames.has(t)) || plugNamed || slots.hosts.length > 0;
  const asking = cues.find(
    (c) =>
      (c.weight >= 2 || (c.tool === "instance.deploy" && plugNamed)) &&
      !(c.tool === "instance.update" && c.words.length === 0 && !PRONOUN.test(text) && !names),
  );
  return { asks: asking !== undefined, names, tool: asking?.tool };
}

/** Reads one clause into its calls. */
export function readClause(clause: Clause, env: ClauseEnv): ClauseResult {
  const { text } = clause;
  const slots = slotsOf(text);
  const domainBefore =
    (env.planned.at(-1) ?? env.focus.last)?.tool.startsWith("domain.") && PRONOUN.test(text);
  if (domainBefore && !slots.hosts.length && env.focus.host) slots.hosts.push(env.focus.host.host);
  const cues = toolCues(cueText(text, slots), {
    resources: slots.memory !== undefined || slots.cpu !== undefined || slots.pids !== undefined,
    lines: slots.lines !== undefined && /\blines?\b/.test(text),
    host: slots.hosts.length > 0,
  });
  const previous = env.planned.at(-1) ?? (clause.repeats ? undefined : env.focus.last);

  if (/\bmove\b/.test(text) && slots.hosts.length === 1) {
    const move = /\bfrom\s+([a-z0-9-]+)\s+to\s+(?:the\s+)?([a-z0-9-]+)/.exec(text);
    if (move) {
      const from = resolveOne([move[1]!], move[1]!, env);
      const to = resolveOne([move[2]!], move[2]!, env);
      if (typeof from !== "string") return from;
      if (typeof to !== "string") return to;
      return {
        kind: "actions",
        actions: [
          { tool: "domain.remove", args: { instance: from, host: slots.hosts[0] } },
          { tool: "domain.add", args: { instance: to, host: slots.hosts[0] } },
        ],
      };
    }
  }

  const tool = chooseTool(cues, text, env, slots);
  if (!tool) return readWithoutVerb(clause, env, slots, previous);
  const cueWords = new Set(cues.flatMap((c) => c.words).filter((w) => CUE_WORDS.has(w)));
  return readTool(tool, clause, env, slots, cueWords);
}

/** The tool of a clause: its strongest cue, with what the clause names deciding between close readings. */
function chooseTool(
  cues: readonly ToolCue[],
  text: string,
  env: ClauseEnv,
  slots: Slots,
): ToolName | undefined {
  const mentions = plugMentions(text, env.index);
  const tokens = words(text);
  const instanceNames = new Set(env.context.instances.map((i) => i.name));
  const namesInstance = tokens.some((t) => instanceNames.has(t));
  const runningPlugs = new Set(env.context.instances.map((i) => i.plug));
  for (const cue of cues) {
    if (cue.weight < 1) continue;
    // "tell me about the web instance": about one of the tenant's instances is its status.
    if (cue.tool === "catalog.describe" && namesInstance)
      return mentions.length ? "catalog.describe" : "instance.status";
    if (cue.tool === "catalog.describe" && !mentions.length && !(PRONOUN.test(text) && env.focus.plug))
      continue;
    // "how much ram is notes using": a question about one instance is its status, not the tenant's usage.
    if (cue.tool === "tenant.usage" && namesInstance) return "instance.status";
    if (
      cue.tool === "instance.explain" &&
      !namesInstance &&
      mentions.some((m) => !runningPlugs.has(m.plug)) &&
      /\bexplain\b/.test(text)
    )
      return "catalog.describe";
    if ((cue.tool === "instance.remove" || cue.tool === "instance.stop") && slots.hosts.length)
      return "domain.remove";
    // "fire up flowise": starting a plug the tenant does not run is deploying it.
    if (cue.tool === "instance.start" && !namesInstance && mentions.some((m) => !runningPlugs.has(m.plug)))
      return "instance.deploy";
    if (cue.tool === "instance.deploy") {
      // "spin up db", "launch web": an existing instance named right after the verb, no plug: start it.
      const object = new RegExp(
        `\\b(?:${cue.words.map(escapeRegExp).join("\\s+")})\\s+(?:the |my |our )?([a-z0-9-]+)`,
      ).exec(text)?.[1];
      if (cue.weight >= 2 && object && instanceNames.has(object) && !mentions.length && !slots.name)
        return "instance.start";
      if (cue.weight < 2 && namesInstance && cues.some((c) => c !== cue && INSTANCE_TOOLS.has(c.tool)))
        continue;
    }
    if (cue.tool === "instance.update" && cue.weight < 2 && !namesInstance && !PRONOUN.test(text)) {
      if (!env.focus.instances.length && !env.planned.length) continue;
    }
    return cue.tool;
  }
  return undefined;
}

/** A clause with no verb: "and notes too" repeats the call before; "make it 2" after a scale; a stated need. */
function readWithoutVerb(
  clause: Clause,
  env: ClauseEnv,
  slots: Slots,
  previous: ToolCall | undefined,
): ClauseResult {
  const { text } = clause;
  const repeatable =
    previous &&
    previous.tool !== "instance.list" &&
    previous.tool !== "tenant.usage" &&
    previous.tool !== "help";
  if (repeatable && previous.tool === "instance.scale" && slots.replicas === undefined) {
    const bare = /\b(?:make it|to|at)?\s*(\d+)\b/.exec(text);
    if (bare)
      return readTool(
        "instance.scale",
        { ...clause, text: `${text} to ${bare[1]}` },
        env,
        { ...slots, replicas: Number(bare[1]) },
        new Set(),
      );
  }
  if (repeatable && INSTANCE_TOOLS.has(previous.tool)) {
    const ref = resolveInstances(words(text), text, env.context.instances, {
      index: env.index,
      focus: env.focus.instances,
      ignore: new Set(),
    });
    if (ref.via !== "none" && ref.via !== "pronoun" && ref.via !== "state") {
      if (ref.names.length !== 1) return clarify(`Which one: ${ref.names.join(", ")}?`, ref.names);
      // The step before, for this instance, with what this part says on top ("and notes to 2").
      const a = previous.args;
      const carried: Slots = {
        ...slots,
        replicas: slots.replicas ?? (typeof a.replicas === "number" ? a.replicas : undefined),
        memory: slots.memory ?? (typeof a.memory === "string" ? parseMemory(a.memory) : undefined),
        cpu: slots.cpu ?? (typeof a.cpu === "number" ? a.cpu : undefined),
        pids: slots.pids ?? (typeof a.pids === "number" ? a.pids : undefined),
        lines: slots.lines ?? (typeof a.lines === "number" ? a.lines : undefined),
        hosts: slots.hosts.length ? slots.hosts : typeof a.host === "string" ? [a.host] : [],
      };
      return readTool(previous.tool, clause, env, carried, new Set());
    }
    if (/\b(other|another)\b/.test(text)) {
      const others = otherNames(env);
      if (others.length === 1)
        return readTool(
          previous.tool,
          { ...clause, text: others[0]!, raw: others[0]! },
          env,
          { ...slots, rest: others[0]! },
          new Set(),
        );
      return clarify(`Which other instance: ${others.join(", ")}?`, others);
    }
  }
  if (repeatable && (previous.tool === "instance.deploy" || previous.tool === "catalog.describe")) {
    const mentions = plugMentions(text, env.index);
    if (mentions.length === 1)
      return { kind: "actions", actions: [{ tool: previous.tool, args: { plug: mentions[0]!.plug } }] };
  }
  // "the n8n" is the tenant's; "a postgres" is a new one.
  const isNew = (first: string) =>
    new RegExp(`\\b(a|an|another|new|some)\\s+(?:[\\w-]+\\s+)?${escapeRegExp(first)}`).test(text);
  const running = plugMentions(text, env.index)
    .filter((m) => !isNew(m.words[0]!))
    .flatMap((m) => env.context.instances.filter((i) => i.plug === m.plug).map((i) => i.name));
  const named = [...new Set([...namedInstances(text, env), ...running])];
  if (running.length)
    return clarify(
      `What should I do with ${named.join(" and ")}: status, logs, restart, stop, or something else?`,
      named,
    );
  if (named.length && !plugMentions(text, env.index).length)
    return clarify(
      `What should I do with ${named.join(" and ")}: status, logs, restart, stop, or something else?`,
      named,
    );
  // A need said without a verb: "a vector db for my RAG app", "something to build agents visually".
  const choice = choosePlug(clause.text, env, slots.name);
  if (choice.kind === "plug") return readTool("instance.deploy", clause, env, slots, new Set());
  if (choice.kind === "ambiguous") return clarify(choice.question, choice.options);
  if (choice.kind === "unknown") return refuse(choice.reply, "not_in_catalog");
  return { kind: "none" };
}

/** Instances a text names by name; "a vector db" names a kind of thing, not the instance db. */
function namedInstances(text: string, env: ClauseEnv): string[] {
  const tokens = words(text);
  const names = new Set(env.context.instances.map((i) => i.name));
  return tokens.filter(
    (t, i) =>
      names.has(t) &&
      !/^(a|an|another|new|some)$/.test(tokens[i - 1] ?? "") &&
      !/^(a|an|another|new|some)$/.test(tokens[i - 2] ?? ""),
  );
}

function otherNames(env: ClauseEnv): string[] {
  return env.context.instances.map((i) => i.name).filter((n) => n !== env.focus.instances[0]);
}

/** Resolves one instance reference, or the question to ask. */
function resolveOne(
  tokens: string[],
  text: string,
  env: ClauseEnv,
  ignore: ReadonlySet<string> = new Set(),
): string | IntentResult {
  const ref = resolveInstances(tokens, text, env.context.instances, {
    index: env.index,
    focus: env.focus.instances,
    ignore,
  });
  if (ref.names.length === 1) return ref.names[0]!;
  return askInstance(ref, env);
}

function content(tokens: readonly string[], ignore: ReadonlySet<string>): string[] {
  return tokens.filter((t) => !STOP_WORDS.has(t) && !ignore.has(t));
}

/** The arguments of one tool, read from the clause; a question when one is missing. */
function readTool(
  tool: ToolName,
  clause: Clause,
  env: ClauseEnv,
  slots: Slots,
  cueWords: ReadonlySet<string>,
): ClauseResult {
  const { text } = clause;
  const tokens = words(text);
  const instanceNames = new Set(env.context.instances.map((i) => i.name));
  const ignore = new Set([...cueWords].filter((w) => !instanceNames.has(w)));
  switch (tool) {
    case "instance.list":
    case "tenant.usage":
      return { kind: "actions", actions: [{ tool, args: {} }] };
    case "help":
      return { kind: "actions", actions: [{ tool, args: {} }] };
    case "catalog.search": {
      const query = content(tokens, ignore).join(" ") || text;
      return { kind: "actions", actions: [{ tool, args: { query } }] };
    }
    case "catalog.describe": {
      const mentions = plugMentions(text, env.index);
      const plug = mentions[0]?.plug ?? env.focus.plug;
      if (!plug) return clarify("Which plug should I describe?", [...env.index.entries.keys()]);
      return { kind: "actions", actions: [{ tool, args: { plug } }] };
    }
    case "instance.deploy":
      return readDeploy(clause, env, slots);
    default:
      return readInstanceTool(tool, clause, env, slots, ignore);
  }
}

import { MAX_REPLICAS } from "../../domain/instanceRequests.js";
import { parseMemory } from "../../domain/manifest.js";
import { NAME_PATTERN } from "../../domain/names.js";
import { formatMemory, RESOURCE_MINIMUM } from "../../domain/resourceLimits.js";
import type { Clause, PartShape } from "./clauses.js";
import { type ToolCue, toolCues } from "./cues.js";
import type { Focus } from "./focus.js";
import { WHAT_I_CAN_DO } from "./guards.js";
import { hostsIn, imageReferenceIn } from "./hosts.js";
import { givenInputs } from "./inputs.js";
import { type InstanceReference, resolveInstances } from "./instances.js";
import { CUE_WORDS, INSTANCE_TOOLS } from "./lexicon.js";
import { choosePlug } from "./plugChoice.js";
import type { PlugIndex } from "./plugIndex.js";
import { plugMentions } from "./plugs.js";
import {
  compoundNumbersAsDigits,
  readCpu,
  readLines,
  readMemory,
  readPids,
  readReplicas,
} from "./quantities.js";
import { STOP_WORDS, words } from "./text.js";
import type { IntentContext, IntentResult, ToolCall, ToolName } from "./types.js";

/** What reading one clause needs: the tenant, the catalog index, what was talked about. */
export interface ClauseEnv {
  context: IntentContext;
  index: PlugIndex;
  focus: Focus;
  /** The calls planned so far in this request. */
  planned: readonly ToolCall[];
}

/** A clause read: calls, a question or a refusal; `none` when it asks for nothing. */
export type ClauseResult = IntentResult | { kind: "none" };

/** The quantities and names a clause says. */
interface Slots {
  /** The clause without its hosts and quantities: what is left to name instances and plugs. */
  rest: string;
  memory?: number;
  cpu?: number;
  pids?: number;
  lines?: number;
  replicas?: number;
  hosts: string[];
  name?: string;
}

const PRONOUN = /\b(it|its|that|this|him|her|them|same|there|that one|this one)\b/;

/** A new instance's name: "called blog", "named orders-db", "name it workflows", "as cache". */
export function newNameIn(text: string): string | undefined {
  const named =
    /\b(?:called|named|name it|call it|name:|with (?:the )?name)\s+["']?([a-z0-9][a-z0-9-]*)/.exec(text)?.[1];
  if (named && NAME_PATTERN.test(named)) return named;
  const as = /\bas\s+["']?([a-z0-9][a-z0-9-]*)/.exec(text)?.[1];
  return as &&
    NAME_PATTERN.test(as) &&
    !STOP_WORDS.has(as) &&
    !/^(well|soon|possible|usual|before|always|default)$/.test(as)
    ? as
    : undefined;
}

function slotsOf(said: string, tool?: ToolName): Slots {
  const text = compoundNumbersAsDigits(said);
  const hosts = hostsIn(text);
  let rest = text;
  for (const host of hosts) rest = rest.split(host).join(" ");
  const memory = readMemory(rest);
  const cpu = readCpu(memory.rest);
  const pids = /\b(pids?|processes|process limit)\b/.test(cpu.rest)
    ? readPids(cpu.rest)
    : { value: undefined, rest: cpu.rest };
  const lines = readLines(pids.rest);
  const replicas = readReplicas(lines.rest);
  return {
    rest: replicas.rest,
    memory: memory.value,
    cpu: cpu.value,
    pids: pids.value,
    lines: /\b(lines?|logs?|tail|entries)\b/.test(text) || tool === "instance.logs" ? lines.value : undefined,
    replicas: replicas.value,
    hosts,
    name: newNameIn(text),
  };
}

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

/** The words a tool is asked with: without hosts and a new instance's name ("called status" asks no status). */
function cueText(text: string, slots: Slots): string {
  let rest = withoutHosts(text, slots.hosts);
  if (slots.name)
    rest = rest.replace(
      new RegExp(`\\b(called|named|name it|call it|as)\\s+["']?${escapeRegExp(slots.name)}\\b`),
      " ",
    );
  return rest;
}

function withoutHosts(text: string, hosts: readonly string[]): string {
  let rest = text;
  for (const host of hosts) rest = rest.split(host).join(" ");
  return rest;
}

const clarify = (question: string, options: string[] = []): IntentResult => ({
  kind: "clarify",
  question,
  options,
});
const refuse = (reply: string, reason: "invalid" | "not_in_catalog" | "out_of_scope"): IntentResult => ({
  kind: "refuse",
  reply,
  reason,
});

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
    if (cue.tool === "catalog.describe" && !mentions.length && !(PRONOUN.test(text) && env.focus.plug))
      continue;
    if (cue.tool === "catalog.describe" && namesInstance) continue;
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
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

function askInstance(ref: InstanceReference, env: ClauseEnv): IntentResult {
  const all = env.context.instances.map((i) => i.name);
  if (!all.length) return clarify("You have no instances yet. Which plug should I deploy?", []);
  if (ref.via === "all")
    return clarify(`I act on one instance at a time. Which ones: ${all.join(", ")}?`, all);
  if (ref.names.length > 1) return clarify(`Which one do you mean: ${ref.names.join(" or ")}?`, ref.names);
  const said = ref.unmatched ? `There is no instance called ${ref.unmatched}. ` : "";
  return clarify(`${said}Which instance do you mean: ${all.join(", ")}?`, all);
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

function readDeploy(clause: Clause, env: ClauseEnv, slots: Slots): ClauseResult {
  const { text, raw } = clause;
  const image = imageReferenceIn(text);
  if (image)
    return refuse(
      `I deploy only plugs from the catalog, not an image like ${image}. Ask me "what can I deploy?" to see them.`,
      "not_in_catalog",
    );
  const choice = choosePlug(text, env, slots.name);
  if (choice.kind === "ambiguous") return clarify(choice.question, choice.options);
  if (choice.kind === "unknown") return refuse(choice.reply, "not_in_catalog");
  if (choice.kind === "none")
    return clarify("What should I deploy? Tell me the plug or what you need it for.", [
      ...env.index.entries.keys(),
    ]);
  const plug = choice.plug;
  const entry = env.index.entries.get(plug)!;
  const name = slots.name;
  const taken = env.context.instances.map((i) => i.name);
  const finalName = name ?? plug;
  if (taken.includes(finalName))
    return clarify(`An instance called ${finalName} already exists. What should I call the new ${plug}?`, []);
  const given = givenInputs(raw, entry.inputs);
  if (given.invalid) return refuse(`I can't deploy that: ${given.invalid}.`, "invalid");
  const args: Record<string, unknown> = { plug };
  if (name) args.name = name;
  if (Object.keys(given.inputs).length) args.inputs = given.inputs;
  return { kind: "actions", actions: [{ tool: "instance.deploy", args }] };
}

function keepVolumesOf(text: string): boolean | undefined {
  if (
    /--keep-volumes|\b(keep|keeping|preserve|save|retain)\b.{0,20}\b(data|volumes?|files|database|disk)\b/.test(
      text,
    )
  )
    return true;
  if (
    /\b(data|volumes?|files) (too|as well)\b|\b(with|including|and|plus) (its |the |all |all the )?(data|volumes?)\b|\b(delete|remove|wipe|drop|destroy|erase) (its |the |all |all the )?(data|volumes?)\b|\bdo not keep\b|--delete-volumes/.test(
      text,
    )
  )
    return false;
  return undefined;
}

function readInstanceTool(
  tool: ToolName,
  clause: Clause,
  env: ClauseEnv,
  slots: Slots,
  ignore: Set<string>,
): ClauseResult {
  const { text, raw } = clause;
  const tokens = words(slots.rest);
  for (const host of slots.hosts) ignore.add(host);
  // Within one request, "it" is the instance of the step before ("deploy postgres as appdb and give it 1g").
  const planned = env.planned.length
    ? [...env.planned]
        .reverse()
        .map(instanceOfCall)
        .filter((n): n is string => !!n)
    : [];
  const focus = [...new Set([...planned, ...env.focus.instances])];
  const known = new Set([...env.context.instances.map((i) => i.name), ...planned]);
  const instances = [
    ...env.context.instances,
    ...planned
      .filter((n) => !env.context.instances.some((i) => i.name === n))
      .map((name) => ({ name, plug: "", state: "new", services: [] as string[] })),
  ];
  // "remove it again" after adding a domain: the domain is what "it" is.
  if (
    (tool === "instance.remove" || tool === "domain.remove") &&
    !slots.hosts.length &&
    env.focus.host &&
    PRONOUN.test(text) &&
    env.focus.last?.tool === "domain.add" &&
    !env.planned.length
  )
    return { kind: "actions", actions: [{ tool: "domain.remove", args: { ...env.focus.host } }] };
  let ref = resolveInstances(tokens, text, instances, { index: env.index, focus, ignore });
  if (
    ref.via === "none" &&
    !PRONOUN.test(text) &&
    focus.length &&
    !tokens.some((t) => !STOP_WORDS.has(t) && !ignore.has(t) && !known.has(t) && !/^\d/.test(t))
  )
    ref = { names: [focus[0]!], via: "pronoun" };
  if (ref.via === "none" && env.planned.length && focus.length) ref = { names: [focus[0]!], via: "pronoun" };
  if (
    (ref.via === "none" || ref.via === "all" || ref.via === "state") &&
    (tool === "instance.explain" || tool === "instance.status") &&
    /\b(anything|any of (my|our|them)|something|which)\b.*\b(broken|failing|failed|down|wrong|unhealthy|crashed)\b/.test(
      text,
    )
  )
    return act("instance.list", {});
  if (tool === "instance.status" && (ref.via === "all" || (ref.via === "none" && !focus.length)))
    return act("instance.list", {});
  if (ref.names.length !== 1) {
    if (ref.names.length > 1 && ref.via === "name") return multi(tool, ref.names, clause, env, slots, ignore);
    if (ref.names.length > 1 && ref.via === "pronoun" && /\bboth\b/.test(text))
      return multi(tool, [...ref.names].reverse(), clause, env, slots, ignore);
    if (tool === "domain.add" && !ref.names.length && slots.hosts.length)
      return askInstance({ ...ref, names: [] }, env);
    return askInstance(ref, env);
  }
  const instance = ref.names[0]!;
  const service = ref.service;
  const withService = (args: Record<string, unknown>) => (service ? { ...args, service } : args);
  switch (tool) {
    case "instance.logs": {
      // "logs web 100": a bare count on a logs request is its lines.
      const bare = /(?:^|\s)(\d{1,5})(?=\s|$)/.exec(slots.rest)?.[1];
      const lines = slots.lines ?? (bare ? Number(bare) : undefined);
      return act(tool, withService({ instance, ...(lines !== undefined ? { lines } : {}) }));
    }
    case "instance.scale": {
      if (slots.replicas === undefined)
        return clarify(`How many replicas should ${instance} run (1 to ${MAX_REPLICAS})?`, []);
      if (slots.replicas < 1 || slots.replicas > MAX_REPLICAS || !Number.isInteger(slots.replicas))
        return refuse(
          `I can't scale to ${slots.replicas}: replicas must be a whole number from 1 to ${MAX_REPLICAS}.`,
          "invalid",
        );
      return act(tool, withService({ instance, replicas: slots.replicas }));
    }
    case "instance.update": {
      const args: Record<string, unknown> = { instance };
      if (slots.memory !== undefined) {
        if (slots.memory < RESOURCE_MINIMUM.memory)
          return refuse(
            `I can't set memory to ${formatMemory(slots.memory)}: the least a service may have is ${formatMemory(RESOURCE_MINIMUM.memory)}. Try 64m or more.`,
            "invalid",
          );
        args.memory = formatMemory(slots.memory);
      }
      if (slots.cpu !== undefined) {
        if (slots.cpu < RESOURCE_MINIMUM.cpu)
          return refuse(
            `I can't set CPU to ${slots.cpu}: the least is ${RESOURCE_MINIMUM.cpu} cores. Try 0.25 or more.`,
            "invalid",
          );
        args.cpu = slots.cpu;
      }
      if (slots.pids !== undefined) {
        if (slots.pids < RESOURCE_MINIMUM.pids)
          return refuse(
            `I can't set the process limit to ${slots.pids}: the least is ${RESOURCE_MINIMUM.pids}.`,
            "invalid",
          );
        args.pids = slots.pids;
      }
      const image = imageReferenceIn(text);
      if (image) args.image = image;
      const plug =
        env.context.instances.find((i) => i.name === instance)?.plug ?? env.focus.deployed?.[instance];
      const entry = plug ? env.index.entries.get(plug) : undefined;
      if (entry) {
        const given = givenInputs(raw, entry.inputs);
        if (given.invalid) return refuse(`I can't update that: ${given.invalid}.`, "invalid");
        if (Object.keys(given.inputs).length) args.inputs = given.inputs;
      }
      if (Object.keys(args).length === 1)
        return clarify(
          /\b(memory|ram|mem)\b/.test(text)
            ? `How much memory should ${instance} have (like 1g or 512m)?`
            : /\b(cpu|cpus|cores?)\b/.test(text)
              ? `How many CPU cores should ${instance} have (like 0.5 or 2)?`
              : `What should I change on ${instance}: memory (like 512m), CPU (like 0.5 cores) or an input?`,
          [],
        );
      return act(tool, withService(args));
    }
    case "instance.remove": {
      const keepVolumes = keepVolumesOf(text);
      return act(tool, keepVolumes === undefined ? { instance } : { instance, keepVolumes });
    }
    case "domain.add":
    case "domain.remove": {
      const host = slots.hosts[0] ?? (tool === "domain.remove" ? env.focus.host?.host : undefined);
      if (!host)
        return clarify(
          `Which domain should ${tool === "domain.add" ? "serve" : "stop serving"} ${instance}?`,
          [],
        );
      return act(tool, { instance, host });
    }
    default:
      return act(tool, { instance });
  }
}

function multi(
  tool: ToolName,
  names: string[],
  clause: Clause,
  env: ClauseEnv,
  slots: Slots,
  ignore: Set<string>,
): ClauseResult {
  const actions: ToolCall[] = [];
  for (const name of names) {
    const read = readInstanceTool(
      tool,
      { ...clause, text: name, raw: name },
      env,
      { ...slots, rest: name },
      ignore,
    );
    if (read.kind !== "actions") return read;
    actions.push(...read.actions);
  }
  return { kind: "actions", actions };
}

function act(tool: ToolName, args: Record<string, unknown>): IntentResult {
  return { kind: "actions", actions: [{ tool, args }] };
}

function instanceOfCall(call: ToolCall): string | undefined {
  if (typeof call.args.instance === "string") return call.args.instance;
  if (call.tool === "instance.deploy")
    return (call.args.name as string | undefined) ?? (call.args.plug as string | undefined);
  return undefined;
}

export { WHAT_I_CAN_DO };

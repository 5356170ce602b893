/** One step on an instance of the tenant: which instance, and the arguments its tool needs or the question to ask. */
import { MAX_REPLICAS } from "../../domain/instanceRequests.js";
import { formatMemory, RESOURCE_MINIMUM } from "../../domain/resourceLimits.js";
import { act, type ClauseEnv, type ClauseResult, clarify, refuse } from "./clauseResults.js";
import type { Clause } from "./clauses.js";
import { imageReferenceIn } from "./hosts.js";
import { givenInputs } from "./inputs.js";
import { type InstanceReference, resolveInstances } from "./instances.js";
import { PRONOUN, type Slots } from "./slots.js";
import { STOP_WORDS, words } from "./text.js";
import type { IntentResult, ToolCall, ToolName } from "./types.js";

export function askInstance(ref: InstanceReference, env: ClauseEnv): IntentResult {
  const all = env.context.instances.map((i) => i.name);
  if (!all.length) return clarify("You have no instances yet. Which plug should I deploy?", []);
  if (ref.via === "all")
    return clarify(`I act on one instance at a time. Which ones: ${all.join(", ")}?`, all);
  if (ref.names.length > 1) return clarify(`Which one do you mean: ${ref.names.join(" or ")}?`, ref.names);
  const said = ref.unmatched ? `There is no instance called ${ref.unmatched}. ` : "";
  return clarify(`${said}Which instance do you mean: ${all.join(", ")}?`, all);
}

export function keepVolumesOf(text: string): boolean | undefined {
  if (
    /--keep-volumes|\b(keep|keeping|preserve|save|retain|hang on to|hold on to|hold onto)\b.{0,20}\b(data|volumes?|files|database|disk)\b/.test(
      text,
    )
  )
    return true;
  if (
    /\b(data|volumes?|files) (too|as well)\b|\b(with|including|and|plus) (its |the |all |all the )?(data|volumes?)\b|\b(delete|remove|wipe|drop|destroy|erase) (its |the |all |all the )?(data|volumes?)\b|\bdo not keep\b|\b(data|volumes?)[ _]and[ _]all\b|--delete-volumes/.test(
      text,
    )
  )
    return false;
  return undefined;
}

export function readInstanceTool(
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
  // "bring it back" after removing it: what is gone is not resumed; ask rather than guess a redeploy.
  if (
    ref.via === "pronoun" &&
    !env.planned.length &&
    env.focus.last?.tool === "instance.remove" &&
    env.focus.last.args.instance === instance &&
    tool !== "instance.remove"
  )
    return clarify(
      `${instance} was just removed. Should I deploy a new one, or do you mean another instance?`,
      [],
    );
  // "wake up db" on a stopped (not suspended) instance: starting it is what brings it back.
  if (
    tool === "instance.resume" &&
    env.context.instances.find((i) => i.name === instance)?.state === "stopped"
  )
    tool = "instance.start";
  // "show me 200 lines instead" after the notes api's logs: the same call on "it" keeps the service it had.
  const last = env.focus.last;
  const service =
    ref.service ??
    (ref.via === "pronoun" &&
    !env.planned.length &&
    last?.tool === tool &&
    last.args.instance === instance &&
    typeof last.args.service === "string"
      ? last.args.service
      : undefined);
  const withService = (args: Record<string, unknown>) => (service ? { ...args, service } : args);
  switch (tool) {
    case "instance.logs": {
      // "logs web 100": a bare count on a logs request is its lines.
      const bare = /(?:^|\s)(\d{1,5})(?=\s|$)/.exec(slots.rest)?.[1];
      const lines = slots.lines ?? (bare ? Number(bare) : undefined);
      return act(tool, withService({ instance, ...(lines !== undefined ? { lines } : {}) }));
    }
    case "instance.scale": {
      if (slots.replicas === undefined && /(?:^|\s)-\d/.test(text))
        return refuse(
          `I can't scale to a negative count: replicas must be a whole number from 1 to ${MAX_REPLICAS}.`,
          "invalid",
        );
      // "2 more replicas", "another 3 copies": relative to a count this engine does not see.
      if (/\b\d+\s+more\b|\banother\s+\d+\b|\b(more|extra|additional)\s+(replicas|copies)\b/.test(text))
        return clarify(`How many replicas in total should ${instance} run (1 to ${MAX_REPLICAS})?`, []);
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
      // "another 512 megs", "double the memory": relative to a size this engine does not see.
      if (
        (slots.memory !== undefined || slots.cpu !== undefined || /\b(memory|ram|cpu|cores?)\b/.test(text)) &&
        /\b(another|more|extra|additional|double|twice|triple|half as much)\b/.test(text) &&
        /\b(another|extra|additional|double|twice|triple|half as much|\d+\s*\w*\s+more)\b/.test(text)
      )
        return clarify(
          `How much in total should ${instance} have? Say the size (like 2g) or the cores (like 1).`,
          [],
        );
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
      if (
        Object.keys(args).length === 1 &&
        /\d\s*(tb|pb|eb|tib|pib|terabytes?|petabytes?|exabytes?)\b/.test(text)
      )
        return refuse(
          `I can't give ${instance} that much: sizes in terabytes are beyond any plan. Try a size like 2g.`,
          "invalid",
        );
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

export function multi(
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

export function instanceOfCall(call: ToolCall): string | undefined {
  if (typeof call.args.instance === "string") return call.args.instance;
  if (call.tool === "instance.deploy")
    return (call.args.name as string | undefined) ?? (call.args.plug as string | undefined);
  return undefined;
}

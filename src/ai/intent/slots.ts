/** What a clause says besides its verb: sizes, counts, hosts, a new instance's name, and the words left to name things. */
import { NAME_PATTERN } from "../../domain/names.js";
import { hostsIn } from "./hosts.js";
import {
  compoundNumbersAsDigits,
  readCpu,
  readLines,
  readMemory,
  readPids,
  readReplicas,
} from "./quantities.js";
import { STOP_WORDS } from "./text.js";
import type { ToolName } from "./types.js";

/** The quantities and names a clause says. */
export interface Slots {
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

export const PRONOUN = /\b(it|its|that|this|him|her|them|same|there|that one|this one)\b/;

/** A new instance's name: "called blog", "named orders-db", "name it workflows", "as cache". */
export function newNameIn(text: string): string | undefined {
  const named =
    /\b(?:called|named|name it|call it|name:|with (?:the )?name|(?:its |the )?name (?:is|should be|will be))\s+["']?([a-z0-9][a-z0-9-]*)/.exec(
      text,
    )?.[1];
  if (named && NAME_PATTERN.test(named)) return named;
  const as = /\bas\s+["']?([a-z0-9][a-z0-9-]*)/.exec(text)?.[1];
  return as &&
    NAME_PATTERN.test(as) &&
    !STOP_WORDS.has(as) &&
    !/^(well|soon|possible|usual|before|always|default)$/.test(as)
    ? as
    : undefined;
}

export function slotsOf(said: string, tool?: ToolName): Slots {
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

/** The words a tool is asked with: without hosts and a new instance's name ("called status" asks no status). */
export function cueText(text: string, slots: Slots): string {
  let rest = withoutHosts(text, slots.hosts);
  if (slots.name)
    rest = rest.replace(
      new RegExp(`\\b(called|named|name it|call it|as)\\s+["']?${escapeRegExp(slots.name)}\\b`),
      " ",
    );
  return rest;
}

export function withoutHosts(text: string, hosts: readonly string[]): string {
  let rest = text;
  for (const host of hosts) rest = rest.split(host).join(" ");
  return rest;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

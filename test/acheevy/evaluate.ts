import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { intentCatalogEntry } from "../../src/ai/intent/catalogView.js";
import type { IntentContext, IntentResult, Interpret, ToolCall } from "../../src/ai/intent/types.js";
import { loadCatalog } from "../../src/catalog/loadCatalog.js";
import { parseMemory } from "../../src/domain/manifest.js";
import { parseYaml } from "../../src/parseYaml.js";

/** One case of a corpus, as test/acheevy/corpus/FORMAT.md writes it. */
export interface CorpusCase {
  id: string;
  say: string;
  before?: Array<{ say: string; did?: CorpusCall | CorpusCall[] }>;
  world?: { instances: Array<{ name: string; plug: string; state: string; services?: string[] }> };
  expect: { actions?: CorpusCall[]; clarify?: boolean; options?: string[]; refuse?: boolean };
}

interface CorpusCall {
  tool: string;
  args?: Record<string, unknown>;
}

export const CORPUS_DIR = resolve(import.meta.dirname, "corpus");
const CATALOG_DIR = resolve(import.meta.dirname, "../../catalog");

/** FORMAT.md's world: tenant acme and its four instances. */
const DEFAULT_INSTANCES: IntentContext["instances"] = [
  { name: "web", plug: "static-site", state: "ready", services: ["web"] },
  { name: "notes", plug: "notes-api", state: "ready", services: ["redis", "api"] },
  { name: "automation", plug: "n8n", state: "failed (out of memory)", services: ["n8n"] },
  { name: "db", plug: "postgres", state: "stopped", services: ["db"] },
];

let catalogCache: IntentContext["catalog"] | undefined;

/** The shipped catalog as the engine sees it. */
export function intentCatalog(): IntentContext["catalog"] {
  catalogCache ??= loadCatalog([CATALOG_DIR]).entries.map((e) => intentCatalogEntry(e.plug));
  return catalogCache;
}

export function loadCorpus(file: string): CorpusCase[] {
  return parseYaml(readFileSync(file, "utf8")) as CorpusCase[];
}

/** The engine's context for a case: FORMAT.md's world or the case's own, and its earlier turns. */
export function contextOf(c: CorpusCase, catalog = intentCatalog()): IntentContext {
  const instances = c.world
    ? c.world.instances.map((i) => ({
        name: i.name,
        plug: i.plug,
        state: i.state,
        services: i.services ?? catalog.find((p) => p.id === i.plug)?.services ?? [],
      }))
    : DEFAULT_INSTANCES;
  const history = (c.before ?? []).map((turn) => ({
    say: turn.say,
    did: (turn.did === undefined ? [] : Array.isArray(turn.did) ? turn.did : [turn.did]).map(
      (d) => ({ tool: d.tool, args: d.args ?? {} }) as ToolCall,
    ),
  }));
  return { tenant: "acme", instances, catalog, history };
}

function sameValue(key: string, expected: unknown, actual: unknown): boolean {
  if (key === "memory" && (typeof expected === "string" || typeof expected === "number")) {
    const bytes = (v: unknown) =>
      typeof v === "number" ? v : typeof v === "string" ? parseMemory(v) : Number.NaN;
    return bytes(expected) === bytes(actual);
  }
  if (key === "query" || key === "topic") return true;
  if (key === "host" && typeof expected === "string")
    return typeof actual === "string" && actual.toLowerCase() === expected.toLowerCase();
  if (key === "inputs" && expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object") return false;
    return Object.entries(expected).every(
      ([k, v]) => String((actual as Record<string, unknown>)[k]) === String(v),
    );
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/** Why a result fails a case by FORMAT.md's rules, or undefined when it passes. */
export function judge(c: CorpusCase, result: IntentResult): string | undefined {
  const expect = c.expect;
  if (expect.refuse)
    return result.kind === "refuse" ? undefined : `expected a refusal, got ${describe(result)}`;
  if (expect.clarify) {
    if (result.kind !== "clarify") return `expected a question, got ${describe(result)}`;
    const missing = (expect.options ?? []).filter((o) => !result.options.includes(o));
    return missing.length
      ? `question lacks options ${missing.join(", ")} (has ${result.options.join(", ")})`
      : undefined;
  }
  if (result.kind !== "actions") return `expected actions, got ${describe(result)}`;
  const wanted = expect.actions ?? [];
  if (wanted.map((a) => a.tool).join(",") !== result.actions.map((a) => a.tool).join(","))
    return `expected ${wanted.map((a) => a.tool).join(", ")}, got ${describe(result)}`;
  for (const [i, want] of wanted.entries()) {
    const got = result.actions[i]!.args;
    for (const [key, value] of Object.entries(want.args ?? {}))
      if (!sameValue(key, value, got[key]))
        return `${want.tool} ${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got[key])}`;
  }
  return undefined;
}

function describe(result: IntentResult): string {
  if (result.kind === "actions")
    return result.actions.map((a) => `${a.tool} ${JSON.stringify(a.args)}`).join("; ");
  if (result.kind === "clarify") return `clarify "${result.question}" [${result.options.join(", ")}]`;
  return `refuse (${result.reason}) "${result.reply}"`;
}

/** A failing case of the training corpus, to read and fix. */
export interface Failure {
  id: string;
  say: string;
  why: string;
}

export interface Score {
  total: number;
  passed: number;
  accuracy: number;
  /** Only for a corpus the engine may be tuned on: never for heldback.yaml, whose cases nobody reads. */
  failures: Failure[];
}

/**
 * Runs the engine on every case of a corpus file and scores it. The held-back corpus (heldback.yaml) gets
 * its counts only: no failing id, utterance or reason leaves this function for it.
 */
export function evaluateCorpus(file: string, engine: Interpret): Score {
  const heldBack = basename(file) === "heldback.yaml";
  const catalog = intentCatalog();
  let passed = 0;
  const failures: Failure[] = [];
  const cases = loadCorpus(file);
  for (const c of cases) {
    const why = judge(c, engine(c.say, contextOf(c, catalog)));
    if (!why) passed++;
    else if (!heldBack) failures.push({ id: c.id, say: c.say, why });
  }
  return { total: cases.length, passed, accuracy: cases.length ? passed / cases.length : 0, failures };
}

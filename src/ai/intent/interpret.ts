import { clausesOf, partsOf } from "./clauses.js";
import { LEADING_FILLER } from "./cues.js";
import { focusOf, pushCall } from "./focus.js";
import { refusalOf, WHAT_I_CAN_DO } from "./guards.js";
import { VERB_WORDS } from "./lexicon.js";
import { type PlugIndex, plugIndex } from "./plugIndex.js";
import { isKnownWord } from "./plugs.js";
import { type ClauseEnv, readClause, shapeOf } from "./readClause.js";
import { replyFor } from "./replies.js";
import { stem } from "./stem.js";
import { normalizeKeepingCase, words } from "./text.js";
import type { IntentContext, IntentResult, Interpret, ToolCall } from "./types.js";
import { isTypoOf } from "./typos.js";

/** Misspelt verbs put right ("deply" → deploy, "restrat" → restart), words the catalog or tenant know left alone. */
function correctVerbs(raw: string, index: PlugIndex, context: IntentContext): string {
  const names = new Set(context.instances.map((i) => i.name));
  return raw.replace(/(?<![\w.\-/:])[A-Za-z]{4,}(?![\w.\-/:])/g, (word, offset: number) => {
    const lower = word.toLowerCase();
    if (VERB_WORDS.includes(lower) || names.has(lower) || isKnownWord(lower, index, names, false))
      return word;
    // An inflection ("suspended", "restarting") is the verb itself, not a typo of it.
    if (VERB_WORDS.some((v) => lower.startsWith(v) || stem(lower) === v)) return word;
    const verb = VERB_WORDS.find((v) => isTypoOf(lower, v));
    // "the shop", "since lunch": after an article or a preposition a word is a noun, not a misspelt verb.
    if (verb && !NOUN_CUES.has(verb) && NOUN_BEFORE.test(raw.slice(Math.max(0, offset - 12), offset)))
      return word;
    return verb ?? word;
  });
}

/** Cue words that are nouns ("the lgos"), which a typo may stand for after an article. */
const NOUN_CUES: ReadonlySet<string> = new Set(["status", "logs", "history", "memory", "replicas"]);
const NOUN_BEFORE = /\b(the|a|an|my|our|your|its|this|that|since|after|before|during|until|at|of|for)\s+$/i;

function same(a: ToolCall, b: ToolCall): boolean {
  return a.tool === b.tool && JSON.stringify(a.args) === JSON.stringify(b.args);
}

/**
 * ACHEEVY's built-in intent engine: one utterance, in its conversation, becomes tool calls, a clarifying
 * question or a refusal. Pure, synchronous, deterministic and offline: it reads words, never runs anything.
 * Steps: refuse what is hostile or out of bounds; cut the request into its steps; read each step's tool
 * (verbs), its instance or plug (names, typos, descriptions, "it"), and its quantities.
 */
const UNDO =
  /^(?:\W*(?:ok|okay|wait|no|hmm|actually|please|pls)\b\W*)*(?:undo|revert|roll (?:[\w'-]+ ){0,2}back|rollback)\b(?:\s+(?:it|that|this|the last (?:change|step|one)))?\W*(?:please|pls)?\W*$/;
const UP_TO_YOU =
  /\b(?:do )?whatever you (?:think|want|like|reckon)\b|\bup to you\b|\bdo what you (?:said|suggested|think)\b/;

/** The longest request read; a longer one is asked to be put shortly, which bounds the time one takes. */
export const MAX_UTTERANCE_LENGTH = 2000;

/** The most steps one request may ask for; each change still waits for its own approval. */
export const MAX_STEPS = 10;

export const interpret: Interpret = (utterance, context) => {
  if (utterance.length > MAX_UTTERANCE_LENGTH)
    return {
      kind: "clarify",
      question: `That is longer than I read (${MAX_UTTERANCE_LENGTH} characters). What do you need, in a sentence or two?`,
      options: [],
    };
  const typed = normalizeKeepingCase(utterance);
  const text = typed.toLowerCase();
  if (!words(text).length) return { kind: "clarify", question: "What would you like me to do?", options: [] };
  const refusal = refusalOf(utterance, text, context);
  if (refusal) return { kind: "refuse", ...refusal };
  // "hello", "hi!": a greeting alone asks what ACHEEVY does.
  if (!text.replace(LEADING_FILLER, "").replace(/[^a-z0-9]/g, ""))
    return {
      kind: "actions",
      actions: [{ tool: "help", args: {} }],
      reply: replyFor([{ tool: "help", args: {} }]),
    };
  // "undo that", "roll it back", "do whatever you think fixes it": no tool undoes or guesses; ask what to do.
  if (UNDO.test(text))
    return {
      kind: "clarify",
      question:
        'I can\'t undo a change by itself. Tell me what to do instead, like "start web" or "give notes 1g".',
      options: [],
    };
  if (UP_TO_YOU.test(text))
    return {
      kind: "clarify",
      question:
        "Which change should I make? Say it (restart, more memory, …) and I'll propose it for your approval.",
      options: [],
    };
  const index = plugIndex(context.catalog);
  const raw = correctVerbs(typed, index, context);
  let env: ClauseEnv = { context, index, focus: focusOf(context.history), planned: [] };
  const parts = partsOf(raw);
  const clauses = parts.length > MAX_STEPS * 3 ? [] : clausesOf(parts, (part) => shapeOf(part.text, env));
  if (parts.length > MAX_STEPS * 3 || clauses.length > MAX_STEPS)
    return {
      kind: "clarify",
      question: `That is more than ${MAX_STEPS} steps at once. Which should I do first?`,
      options: [],
    };
  const actions: ToolCall[] = [];
  for (const clause of clauses) {
    const read = readClause(clause, env);
    if (read.kind === "none") continue;
    if (read.kind !== "actions") return read;
    for (const call of read.actions) {
      const last = actions.at(-1);
      // "what is the redis saying? logs pls": the same call asked twice is one call.
      if (
        last &&
        (same(last, call) || (last.tool === call.tool && clause.repeats === false && subsumes(last, call)))
      )
        continue;
      // "install n8n called flows and set its timezone to Europe/Berlin": inputs for a step's new instance
      // are the deploy's own inputs.
      const deploy = actions.find(
        (a) => a.tool === "instance.deploy" && (a.args.name ?? a.args.plug) === call.args.instance,
      );
      if (
        deploy &&
        call.tool === "instance.update" &&
        call.args.inputs &&
        Object.keys(call.args).every((k) => k === "instance" || k === "inputs")
      ) {
        deploy.args = {
          ...deploy.args,
          inputs: { ...(deploy.args.inputs as object | undefined), ...(call.args.inputs as object) },
        };
        continue;
      }
      actions.push(call);
      env = { ...env, focus: pushCall(env.focus, call), planned: actions };
    }
  }
  // "automation keeps crashing, help": a call for help beside a request is the request.
  if (actions.length > 1) actions.splice(0, actions.length, ...actions.filter((a) => a.tool !== "help"));
  if (!actions.length)
    return { kind: "refuse", reason: "out_of_scope", reply: `I can't help with that. ${WHAT_I_CAN_DO}` };
  return { kind: "actions", actions, reply: replyFor(actions) };
};

/** `a` already says all that `b` says (same tool, b's arguments a subset of a's). */
function subsumes(a: ToolCall, b: ToolCall): boolean {
  return Object.entries(b.args).every(
    ([key, value]) => JSON.stringify(a.args[key]) === JSON.stringify(value),
  );
}

export type { IntentResult };

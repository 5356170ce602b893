import { CUES } from "./lexicon.js";
import type { ToolName } from "./types.js";

/** A tool a clause asks for, how strongly, where, and the words that asked. */
export interface ToolCue {
  tool: ToolName;
  weight: number;
  index: number;
  words: string[];
}

/** Greetings and fillers before the request itself ("hey, is automation ok"). */
export const LEADING_FILLER =
  /^(?:(?:hey|hi|hello|hiya|good (?:morning|afternoon|evening)|ok|okay|so|um|hmm|well|yo|oh|oops|great|cool|sure|actually|also|now|please|pls|and|but|alright|right|thanks|thank you|sounds good)\b[\s,!-]*)+/;

/** What the clause itself implies beyond its verbs: a size asks for an update, a line count for logs. */
export interface Implied {
  resources: boolean;
  lines: boolean;
  host: boolean;
}

/** The tools a clause asks for, strongest first (ties: the earlier in the text). */
export function toolCues(text: string, implied: Implied): ToolCue[] {
  const request = text.replace(LEADING_FILLER, "");
  const found: ToolCue[] = [];
  for (const cue of CUES) {
    if ((cue.tool === "domain.add" || cue.tool === "domain.remove") && !implied.host) continue;
    const match = cue.pattern.exec(request);
    if (!match) continue;
    found.push({ tool: cue.tool, weight: cue.weight, index: match.index, words: match[0].split(/\s+/) });
  }
  if (implied.resources) {
    // "give web 2 GB" is an update; "deploy redis with 100mb" is a deploy with an input.
    const giving = /\b(give|set|make|put|bump|allocate|needs?|want|to|limit)\b/.exec(request);
    const deploying = found.some((c) => c.tool === "instance.deploy" && c.weight >= 2);
    found.push({
      tool: "instance.update",
      weight: giving && !deploying ? 3 : 1.5,
      index: giving?.index ?? 0,
      words: [],
    });
  }
  if (implied.lines) found.push({ tool: "instance.logs", weight: 2.5, index: 0, words: [] });
  if (implied.host) found.push({ tool: "domain.add", weight: 1.5, index: 0, words: [] });
  found.sort((a, b) => b.weight - a.weight || a.index - b.index);
  return dedupe(found);
}

function dedupe(cues: ToolCue[]): ToolCue[] {
  const seen = new Set<ToolName>();
  return cues.filter((cue) => {
    if (seen.has(cue.tool)) return false;
    seen.add(cue.tool);
    return true;
  });
}

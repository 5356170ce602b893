/** One deploy step: the plug, its new name (never one taken) and the inputs the request gives. */
import { type ClauseEnv, type ClauseResult, clarify, refuse } from "./clauseResults.js";
import type { Clause } from "./clauses.js";
import { imageReferenceIn } from "./hosts.js";
import { givenInputs } from "./inputs.js";
import { choosePlug } from "./plugChoice.js";
import type { Slots } from "./slots.js";

export function readDeploy(clause: Clause, env: ClauseEnv, slots: Slots): ClauseResult {
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

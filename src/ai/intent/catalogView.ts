import type { Plug } from "../../domain/manifest.js";
import type { IntentContext } from "./types.js";

/**
 * What the engine reads of a plug: its words (id, name, description, category, tags), its intake questions
 * (the question and help as the input's description, an int's range, an enum's values) and its services.
 * The chat layer and the evaluator build the engine's catalog with this, so both see the same.
 */
export function intentCatalogEntry(plug: Plug): IntentContext["catalog"][number] {
  return {
    id: plug.id,
    title: plug.name,
    description: plug.description,
    category: plug.category,
    tags: plug.tags,
    services: plug.services.map((s) => s.name),
    inputs: plug.inputs.map((input) => ({
      key: input.key,
      type: input.type,
      required: input.required !== false && !("default" in input && input.default !== undefined),
      description: [input.question, input.help].filter(Boolean).join(" "),
      ...(input.type === "int" ? { min: input.min, max: input.max } : {}),
      ...(input.type === "enum" ? { values: input.values } : {}),
    })),
  };
}

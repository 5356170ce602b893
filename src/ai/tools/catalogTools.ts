import * as z from "zod";
import type { CatalogEntry } from "../../catalog/loadCatalog.js";
import { plugSummary } from "../../catalog/plugSummary.js";
import { plugSearchSchema } from "../../catalog/searchCatalog.js";
import { nameSchema } from "../../domain/names.js";
import { sizePlug } from "../../domain/sizedPlug.js";
import { describeResources } from "./targets.js";
import { defineTool } from "./tool.js";

const STOP_WORDS = new Set([
  "a",
  "an",
  "the",
  "for",
  "of",
  "to",
  "and",
  "or",
  "me",
  "my",
  "i",
  "need",
  "want",
  "some",
]);

/** Plugs ranked by how many of the words they mention (id, name, description, tags, category). */
function rank(entries: CatalogEntry[], query: string): CatalogEntry[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w));
  if (!words.length) return entries;
  return entries
    .map((entry) => {
      const { plug } = entry;
      const text = [plug.id, plug.name, plug.description, plug.category, ...plug.tags]
        .join(" ")
        .toLowerCase();
      return { entry, hits: words.filter((w) => text.includes(w)).length };
    })
    .filter((r) => r.hits > 0)
    .sort((a, b) => b.hits - a.hits)
    .map((r) => r.entry);
}

/** `catalog.search`: which plugs match some words. */
export const catalogSearch = defineTool({
  name: "catalog.search",
  description: "find plugs in the catalog by what they do",
  risk: "read",
  input: z.strictObject({ query: plugSearchSchema.default("") }),
  permissions: () => [],
  async run(ctx, _caller, args) {
    const found = rank(ctx.platform.catalog.entries, args.query).slice(0, 8);
    if (!found.length)
      return {
        say: `Nothing in the catalog matches "${args.query}". Ask "what can I deploy?" to see every plug.`,
        data: { plugs: [] },
      };
    return {
      say: `${found.length === 1 ? "One plug matches" : `${found.length} plugs match`}: ${found
        .map((e) => `${e.plug.id} (${e.plug.description.split(/[.;]/)[0]?.trim()})`)
        .join("; ")}.`,
      data: { plugs: found.map((e) => plugSummary(e.plug)) },
    };
  },
});

/** `catalog.describe`: what one plug is, asks and runs. */
export const catalogDescribe = defineTool({
  name: "catalog.describe",
  description: "describe one plug: what it is, its inputs and services",
  risk: "read",
  input: z.strictObject({ plug: nameSchema }),
  permissions: () => [],
  async run(ctx, _caller, args) {
    const { plug } = ctx.platform.catalog.get(args.plug);
    const inputs = plug.inputs.map((i) => `${i.key}${i.required ? " (required)" : ""}: ${i.question}`);
    // What a service leaves out, a tenant's plan gives it: shown here for the install's default plan.
    const sized = sizePlug(plug, ctx.platform.plans.defaultPlan.defaultResources);
    const services = sized.services.map((s) => `${s.name} (${describeResources(s.resources)})`);
    return {
      say: [
        `${plug.name} (${plug.id} ${plug.version}, ${plug.category}): ${plug.description.trim()}`,
        `Services: ${services.join(", ")}.`,
        inputs.length ? `It asks: ${inputs.join("; ")}.` : "It asks nothing before it deploys.",
      ].join("\n"),
      data: {
        ...plugSummary(plug),
        inputs: plug.inputs.map((i) => ({
          key: i.key,
          type: i.type,
          question: i.question,
          required: Boolean(i.required),
        })),
      },
    };
  },
});

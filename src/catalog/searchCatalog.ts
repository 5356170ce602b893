import * as z from "zod";
import { AimsError } from "../domain/errors.js";
import { PLUG_CATEGORIES, type Plug } from "../domain/manifest.js";
import type { CatalogEntry } from "./loadCatalog.js";

/** What `aims catalog list` narrows the catalog by. */
export interface CatalogFilter {
  category?: string;
  /** Words that must all appear (case-insensitive) in the plug's id, name, description, tags, category or images. */
  search?: string;
}

/** The words of a search: `aims catalog list --search`, `GET /v1/plugs?search=`. */
export const plugSearchSchema = z.string().max(200);

/** The text a plug is searched in. */
function haystack(plug: Plug): string {
  return [
    plug.id,
    plug.name,
    plug.description,
    plug.category,
    ...plug.tags,
    ...plug.services.flatMap((s) => (s.image ? [s.image] : [])),
  ]
    .join("\n")
    .toLowerCase();
}

/**
 * The entries matching a filter, in catalog order; an unknown category is refused with the valid ones.
 * @example filterCatalog(catalog.entries, { category: "database", search: "vector" }) // [qdrant]
 */
export function filterCatalog(entries: CatalogEntry[], filter: CatalogFilter): CatalogEntry[] {
  const category = filter.category?.trim().toLowerCase();
  if (category && !(PLUG_CATEGORIES as readonly string[]).includes(category))
    throw new AimsError(
      "invalid_input",
      `unknown category "${filter.category}"; choose one of ${PLUG_CATEGORIES.join(", ")}`,
    );
  const words = (filter.search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((entry) => {
    if (category && entry.plug.category !== category) return false;
    const text = haystack(entry.plug);
    return words.every((word) => text.includes(word));
  });
}

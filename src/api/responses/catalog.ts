import * as z from "zod";
import type { PlugSummary } from "../../catalog/plugSummary.js";
import { PLUG_CATEGORIES, plugSchema } from "../../domain/manifest.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

export const plugSummarySchema = named(
  "PlugSummary",
  viewSchema<PlugSummary>()(
    z.object({
      id: z.string(),
      version: z.string(),
      name: z.string(),
      category: z.enum(PLUG_CATEGORIES),
      description: z.string(),
      tags: z.array(z.string()),
      images: z.array(z.string()),
    }),
  ),
);

/** One plug's manifest as loaded (defaults filled in; memory sizes in bytes). */
export const plugManifestSchema = named("Plug", plugSchema);

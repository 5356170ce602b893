import * as z from "zod";
import { plugSummary } from "../../catalog/plugSummary.js";
import { filterCatalog, plugSearchSchema } from "../../catalog/searchCatalog.js";
import { plugCategorySchema } from "../../domain/manifest.js";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { plugManifestSchema, plugSummarySchema } from "../responses/catalog.js";
import { pageOf } from "../responses/pages.js";
import { defineRoute } from "../route.js";

/** The plug catalog: the same for every tenant. */
export const plugRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/plugs",
    summary:
      "Plugs you can deploy, by id; `category=` (tool, agent, platform, bot, database) and `search=` (words in id, name, description, tags, images) narrow the list",
    response: pageOf(plugSummarySchema),
    tag: "plugs",
    auth: "required",
    query: pageQuery.extend({
      category: plugCategorySchema.optional(),
      search: plugSearchSchema.optional(),
    }),
    example: { query: { category: "database", search: "vector" } },
    handler: async ({ services: { platform }, query }) => {
      const after = decodeCursor(query.cursor, "string");
      const entries = filterCatalog(platform.catalog.entries, {
        ...(query.category ? { category: query.category } : {}),
        ...(query.search ? { search: query.search } : {}),
      })
        .filter((e) => after === undefined || e.plug.id > after)
        .slice(0, query.limit + 1);
      return toPage(
        entries,
        query.limit,
        (e) => e.plug.id,
        ({ plug }) => plugSummary(plug),
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/plugs/:plug",
    summary: "One plug's manifest: services, ports, volumes, limits, inputs, generated secrets (names only)",
    response: plugManifestSchema,
    tag: "plugs",
    auth: "required",
    params: z.strictObject({ plug: z.string().min(1).max(100) }),
    handler: async ({ services: { platform }, params }) => platform.catalog.get(params.plug).plug,
  }),
];

import { z } from "zod";
import { decodeCursor, pageQuery, toPage } from "../pagination.js";
import { defineRoute } from "../route.js";

/** The plug catalog: the same for every tenant. */
export const plugRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/plugs",
    summary: "Plugs you can deploy, by id",
    tag: "plugs",
    auth: "required",
    query: pageQuery,
    handler: async ({ services: { platform }, query }) => {
      const after = decodeCursor(query.cursor, "string");
      const entries = platform.catalog.entries
        .filter((e) => after === undefined || e.plug.id > after)
        .slice(0, query.limit + 1);
      return toPage(
        entries,
        query.limit,
        (e) => e.plug.id,
        ({ plug }) => ({
          id: plug.id,
          version: plug.version,
          name: plug.name,
          category: plug.category,
          description: plug.description,
        }),
      );
    },
  }),
  defineRoute({
    method: "GET",
    url: "/v1/plugs/:plug",
    summary: "One plug's manifest: services, ports, volumes, limits, inputs, generated secrets (names only)",
    tag: "plugs",
    auth: "required",
    params: z.strictObject({ plug: z.string().min(1).max(100) }),
    handler: async ({ services: { platform }, params }) => platform.catalog.get(params.plug).plug,
  }),
];

import type { Plug } from "../domain/manifest.js";

/** One line of the catalog (`aims catalog list --json`, `GET /v1/plugs`): what a plug is and what it runs. */
export function plugSummary(plug: Plug) {
  return {
    id: plug.id,
    version: plug.version,
    name: plug.name,
    category: plug.category,
    description: plug.description,
    tags: plug.tags,
    images: plug.services.map((s) => s.image ?? `built from ${s.build?.context}`),
  };
}

export type PlugSummary = ReturnType<typeof plugSummary>;

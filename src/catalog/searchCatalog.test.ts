import { describe, expect, it } from "vitest";
import { plugSchema } from "../domain/manifest.js";
import type { CatalogEntry } from "./loadCatalog.js";
import { filterCatalog } from "./searchCatalog.js";

const entry = (id: string, category: string, extra: Record<string, unknown> = {}): CatalogEntry => ({
  plug: plugSchema.parse({
    apiVersion: "aims.dev/v1",
    kind: "Plug",
    id,
    version: "1.0.0",
    name: id.toUpperCase(),
    category,
    services: [{ name: "app", image: `example/${id}:1.0.0` }],
    ...extra,
  }),
  file: `${id}.yaml`,
  dir: ".",
});

const entries = [
  entry("qdrant", "database", { tags: ["vector", "rag"], description: "Vector search." }),
  entry("postgres", "database", { description: "Relational SQL database." }),
  entry("chat", "platform", { tags: ["llm"], description: "Chat with an OpenAI-compatible API." }),
];
const ids = (list: CatalogEntry[]) => list.map((e) => e.plug.id);

describe("filterCatalog", () => {
  it("filters by category, case-insensitively", () => {
    expect(ids(filterCatalog(entries, { category: "Database" }))).toEqual(["qdrant", "postgres"]);
  });

  it("matches every search word in id, name, description, tags or images", () => {
    expect(ids(filterCatalog(entries, { search: "vector" }))).toEqual(["qdrant"]);
    expect(ids(filterCatalog(entries, { search: "OPENAI llm" }))).toEqual(["chat"]);
    expect(ids(filterCatalog(entries, { search: "example/postgres" }))).toEqual(["postgres"]);
    expect(ids(filterCatalog(entries, { search: "sql vector" }))).toEqual([]);
  });

  it("combines both and lists everything without a filter", () => {
    expect(ids(filterCatalog(entries, { category: "database", search: "sql" }))).toEqual(["postgres"]);
    expect(ids(filterCatalog(entries, {}))).toEqual(["qdrant", "postgres", "chat"]);
  });

  it("refuses an unknown category, naming the valid ones", () => {
    expect(() => filterCatalog(entries, { category: "games" })).toThrow(
      /unknown category "games"; choose one of tool, agent, platform, bot, database/,
    );
  });
});

import { describe, expect, it } from "vitest";
import { apiRoutes } from "../routes/index.js";

describe("the API's answers", () => {
  it("every route that answers JSON names the schema of its answer (the dashboard's types come from it)", () => {
    const unnamed = apiRoutes
      .filter((r) => r.status !== 204 && (r.produces === undefined || r.produces === "application/json"))
      .filter((r) => r.response === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(unnamed).toEqual([]);
  });
});

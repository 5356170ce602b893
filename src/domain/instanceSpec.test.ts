import { describe, expect, it } from "vitest";
import { parseSpec, readSpecShape } from "./instanceSpec.js";

describe("readSpecShape, what the tick reads of a stored spec", () => {
  const stored = JSON.stringify({
    inputs: {},
    plug: { id: "two", services: [{ name: "web" }, { name: "db" }] },
    replicas: { web: 2 },
  });

  it("gives the services and replica counts without validating the manifest, which a pass does", () => {
    expect(readSpecShape(stored)).toEqual({
      plug: { services: [{ name: "web" }, { name: "db" }] },
      replicas: { web: 2 },
    });
    // The same text fails the full validation: the pass that works on the instance reports it.
    expect(() => parseSpec(stored)).toThrow(/no longer passes validation/);
  });

  it("reads a spec with no replicas as one each, and refuses text of another shape", () => {
    expect(readSpecShape(JSON.stringify({ plug: { services: [{ name: "web" }] } })).replicas).toEqual({});
    expect(() => readSpecShape(JSON.stringify({ plug: {} }))).toThrow();
    expect(() => readSpecShape("not json")).toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { parseTopics, typeMatches } from "./topics.js";

describe("event topics", () => {
  it("turns patterns into prefixes and keeps exact types", () => {
    expect(parseTopics("instance.*, tenant.created")).toEqual({
      prefixes: ["instance."],
      exact: ["tenant.created"],
    });
    expect(parseTopics(undefined)).toBeNull();
    expect(parseTopics("instance.*,*")).toBeNull();
  });

  it("matches in memory as the store does", () => {
    const filter = parseTopics("instance.*,key.created");
    expect(typeMatches(filter, "instance.ready")).toBe(true);
    expect(typeMatches(filter, "instances.x")).toBe(false);
    expect(typeMatches(filter, "key.created")).toBe(true);
    expect(typeMatches(filter, "key.revoked")).toBe(false);
  });

  it("rejects what is neither a type nor a pattern", () => {
    for (const bad of ["instance.%", "*.ready", "a..b", "INSTANCE.*", "x".repeat(101)])
      expect(() => parseTopics(bad), bad).toThrow(/topic/);
  });
});

import { describe, expect, it } from "vitest";
import { eventTypePrefixSchema, isEventTopic } from "./eventTypes.js";

describe("event types", () => {
  it.each([
    ["instance.", "instance."],
    ["instance.rea", "instance.rea"],
    ["instance.ready", "instance.ready"],
    ["proxy.apply_failed", "proxy.apply_failed"],
    ["instance.*", "instance."],
  ])("--type %j keeps the types starting with %j", (text, prefix) => {
    expect(eventTypePrefixSchema.parse(text)).toBe(prefix);
  });

  it.each(["bogus%%", "", "Instance.", "instance..ready", ".ready", "*", "a b", "x".repeat(101)])(
    "--type refuses %j",
    (text) => {
      expect(eventTypePrefixSchema.safeParse(text).success).toBe(false);
    },
  );

  it("topics are `*`, a type or a type's children", () => {
    expect(["*", "instance.ready", "instance.*", "tenant.created"].every(isEventTopic)).toBe(true);
    expect(["instance.", "bogus%%", "*.ready", "", `${"x".repeat(100)}.*`].some(isEventTopic)).toBe(false);
  });
});

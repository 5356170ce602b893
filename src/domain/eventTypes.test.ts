import { describe, expect, it } from "vitest";
import {
  ALERT_EVENT_TYPES,
  AUTOSCALE_EVENT_TYPES,
  eventTypePrefixSchema,
  isEventTopic,
} from "./eventTypes.js";

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

  it("alert event types are topics a client can subscribe to, one by one or as alert.*", () => {
    expect(ALERT_EVENT_TYPES.every(isEventTopic)).toBe(true);
    expect(ALERT_EVENT_TYPES.filter((t) => t.startsWith(eventTypePrefixSchema.parse("alert.*")))).toEqual([
      "alert.firing",
      "alert.resolved",
      "alert.test",
    ]);
  });

  it("autoscale event types are topics, all under autoscale.*", () => {
    expect(AUTOSCALE_EVENT_TYPES.every(isEventTopic)).toBe(true);
    expect(AUTOSCALE_EVENT_TYPES.every((t) => t.startsWith(eventTypePrefixSchema.parse("autoscale.*")))).toBe(
      true,
    );
  });
});

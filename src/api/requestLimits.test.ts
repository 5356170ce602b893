import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./requestLimits.js";

describe("JSON depth", () => {
  const nested = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

  it("counts arrays and objects, up to the limit included", () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(nestsDeeperThan(nested(1_000_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it("skips brackets inside strings, escaped quotes included", () => {
    expect(nestsDeeperThan(`["${"[{".repeat(100)}"]`, 1)).toBe(false);
    expect(nestsDeeperThan(`["\\"[[[", "\\\\"]`, 1)).toBe(false);
    expect(nestsDeeperThan(`["\\\\", [[]]]`, 2)).toBe(true);
  });
});

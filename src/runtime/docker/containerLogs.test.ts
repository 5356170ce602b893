import { describe, expect, it } from "vitest";
import { engineTimestamp } from "./containerLogs.js";

describe("engineTimestamp", () => {
  it("keeps the engine's nanoseconds, whatever the offset or precision", () => {
    expect(engineTimestamp("2024-05-01T10:00:00.123456789Z")).toBe("1714557600.123456789");
    expect(engineTimestamp("2024-05-01T10:00:00.5Z")).toBe("1714557600.500000000");
    expect(engineTimestamp("2024-05-01T10:00:00Z")).toBe("1714557600.000000000");
    expect(engineTimestamp("2024-05-01T12:00:00.25+02:00")).toBe("1714557600.250000000");
    expect(() => engineTimestamp("yesterday")).toThrow(/not an RFC 3339 time/);
  });
});

import { describe, expect, it } from "vitest";
import { AimsError, ERROR_CODES, exitCodeOf, isAimsErrorCode, toErrorBody } from "./errors.js";

describe("the error codes", () => {
  it("keep the HTTP statuses and the exit codes the README promises", () => {
    const table = Object.fromEntries(
      Object.entries(ERROR_CODES).map(([code, { status, exitCode }]) => [code, [status, exitCode]]),
    );
    expect(table).toEqual({
      invalid_input: [400, 2],
      unauthorized: [401, 7],
      forbidden: [403, 7],
      not_found: [404, 3],
      conflict: [409, 4],
      quota_exceeded: [429, 5],
      rate_limited: [429, 5],
      unavailable: [503, 6],
      failed: [500, 8],
    });
    expect(exitCodeOf(new Error("boom"))).toBe(1);
    expect(exitCodeOf(new AimsError("conflict", "taken"))).toBe(4);
  });

  it("give an AimsError its status unless it names another, and hide unexpected errors", () => {
    expect(new AimsError("not_found", "no tenant x").status).toBe(404);
    expect(new AimsError("invalid_input", "too large", 413).status).toBe(413);
    expect(toErrorBody(new Error("/secret/path"))).toEqual({
      error: { code: "internal", message: "internal error" },
    });
  });

  it("recognise only their own names", () => {
    expect(isAimsErrorCode("conflict")).toBe(true);
    expect(isAimsErrorCode("internal")).toBe(false);
    expect(isAimsErrorCode("toString")).toBe(false);
    expect(isAimsErrorCode(404)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { numberFromText, numberInRangeSchema, wholeNumberSchema } from "./numbers.js";
import { formatIssues } from "./zodIssues.js";

const problem = (
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  value: unknown,
) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : formatIssues(parsed.error as never, { fieldName: () => "--n" });
};

describe("number schemas state their whole range, whatever is wrong", () => {
  it.each([0, 21, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e20, "3", null])(
    "wholeNumberSchema(1, 20) refuses %j",
    (value) => {
      expect(problem(wholeNumberSchema(1, 20), value)).toBe("--n must be a whole number from 1 to 20");
    },
  );

  it("takes the bounds themselves", () => {
    expect(wholeNumberSchema(1, 20).parse(1)).toBe(1);
    expect(wholeNumberSchema(1, 20).parse(20)).toBe(20);
  });

  it("names the quantity of a range with fractions", () => {
    const cores = numberInRangeSchema(0.01, 64, "a number of CPU cores");
    expect(cores.parse(0.5)).toBe(0.5);
    expect(problem(cores, 0)).toBe("--n must be a number of CPU cores from 0.01 to 64");
  });
});

describe("numberFromText", () => {
  const tail = numberFromText(wholeNumberSchema(0, 10_000));

  it.each([
    ["0", 0],
    ["200", 200],
    [" 7 ", 7],
    ["+3", 3],
    [5, 5],
  ])("reads %j as %j", (text, value) => {
    expect(tail.parse(text)).toBe(value);
  });

  it.each(["abc", "", " ", "1k", "0x10", "1e3", "12abc", "-5", "99999999999", "Infinity"])(
    "refuses %j in the schema's words",
    (text) => {
      expect(problem(tail, text)).toBe("--n must be a whole number from 0 to 10000");
    },
  );
});

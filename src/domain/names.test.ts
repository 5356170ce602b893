import { describe, expect, it } from "vitest";
import { isValidName, nameSchema, newId, newNameSchema } from "./names.js";

describe("names", () => {
  it.each(["a", "web", "acme-corp", "a1", "x".repeat(32)])("accepts %s", (n) =>
    expect(isValidName(n)).toBe(true),
  );
  it.each(["", "-a", "a-", "Web", "a_b", "a.b", "x".repeat(33), "ä", "a b"])("refuses %j", (n) =>
    expect(isValidName(n)).toBe(false),
  );
  it("explains the rule in its error", () => {
    const r = nameSchema.safeParse("Bad_Name");
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/DNS label/);
  });
  it("refuses new names that start with xn-- (punycode lookalikes) but still finds existing ones", () => {
    for (const name of ["xn--80ak6aa92e", "xn--pple-43d", "xn--a"]) {
      const r = newNameSchema.safeParse(name);
      expect(r.success, name).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/must not start with xn--/);
      expect(nameSchema.safeParse(name).success).toBe(true);
    }
    for (const name of ["web", "xn-a", "a-xn--b", "xnn--a"])
      expect(newNameSchema.safeParse(name).success).toBe(true);
  });
  it("ids are ULIDs and sort by creation", () => {
    const a = newId();
    const b = newId();
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a.slice(0, 10) <= b.slice(0, 10)).toBe(true);
  });
});

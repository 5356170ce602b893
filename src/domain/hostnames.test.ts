import { describe, expect, it } from "vitest";
import { isValidHostname, parseCustomDomain } from "./hostnames.js";

describe("custom domain rule", () => {
  it("accepts fully qualified DNS names only", () => {
    for (const ok of [
      "shop.example.com",
      "a.b",
      "xn--bcher-kva.example",
      "a-1.example.io",
      `${"a".repeat(63)}.com`,
    ])
      expect(isValidHostname(ok), ok).toBe(true);
    for (const bad of [
      "localhost",
      "example",
      "1.2.3.4",
      "-a.example.com",
      "a-.example.com",
      "a..b",
      "*.example.com",
      "Shop.example.com",
      "a_b.example.com",
      "shop.example.com:80",
      "shop.example.com/x",
      "shop.example.com;",
      "shop.example.com evil.com",
      `${"a".repeat(64)}.com`,
      `${"a.".repeat(127)}com`,
    ])
      expect(isValidHostname(bad), bad).toBe(false);
  });

  it("normalises case and a trailing dot, refuses the base domain's names", () => {
    expect(parseCustomDomain(" Shop.Example.COM. ", "localhost")).toBe("shop.example.com");
    expect(() => parseCustomDomain("web.acme.apps.example.com", "apps.example.com")).toThrow(/base domain/);
    expect(() => parseCustomDomain("apps.example.com", "apps.example.com")).toThrow(/base domain/);
    expect(() => parseCustomDomain('x.com";', "localhost")).toThrow(/not a host name/);
  });
});

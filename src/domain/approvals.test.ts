import { describe, expect, it } from "vitest";
import { effectivePolicy, needsApproval, RISKS } from "./approvals.js";
import { canonicalJson } from "./canonicalJson.js";

describe("approval policy", () => {
  it("never gates a read; all gates every change; risky only destructive and spend; none nothing", () => {
    const gated = (policy: "all" | "risky" | "none") => RISKS.filter((r) => needsApproval(r, policy));
    expect(gated("all")).toEqual(["change", "destructive", "spend"]);
    expect(gated("risky")).toEqual(["destructive", "spend"]);
    expect(gated("none")).toEqual([]);
  });

  it("is all by default, and none holds only while the plan allows approvals off", () => {
    expect(effectivePolicy(undefined, true)).toBe("all");
    expect(effectivePolicy("none", true)).toBe("none");
    expect(effectivePolicy("none", false)).toBe("all");
    expect(effectivePolicy("risky", false)).toBe("risky");
  });
});

describe("canonicalJson", () => {
  it("gives the same text for the same value whatever the key order, and different text for other values", () => {
    const a = canonicalJson({ instance: "web", inputs: { B: "2", A: "1" }, keep: [true, null] });
    expect(a).toBe('{"inputs":{"A":"1","B":"2"},"instance":"web","keep":[true,null]}');
    expect(canonicalJson({ keep: [true, null], inputs: { A: "1", B: "2" }, instance: "web" })).toBe(a);
    expect(canonicalJson({ instance: "db", inputs: { A: "1", B: "2" }, keep: [true, null] })).not.toBe(a);
  });

  it("leaves out undefined members and refuses what JSON cannot carry", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/cannot hold/);
  });
});

import { describe, expect, it } from "vitest";
import { AimsError } from "./errors.js";
import { parseSetPairs, resolveInputs } from "./inputs.js";
import { type Plug, plugSchema } from "./manifest.js";

const plug: Plug = plugSchema.parse({
  apiVersion: "aims.dev/v1",
  kind: "Plug",
  id: "demo",
  version: "1.0.0",
  name: "Demo",
  category: "tool",
  inputs: [
    { key: "TITLE", type: "string", question: "Title?", default: "Hello" },
    { key: "MODE", type: "enum", question: "Mode?", values: ["fast", "safe"], default: "safe" },
    { key: "WORKERS", type: "int", question: "Workers?", min: 1, max: 8, default: 2 },
    { key: "UPSTREAM", type: "url", question: "Upstream URL?", required: false },
    { key: "DOMAIN", type: "hostname", question: "Domain?", required: false },
    { key: "TOKEN", type: "secret", question: "Token?", required: false },
    { key: "NEEDED", type: "string", question: "Needed?" },
  ],
  services: [{ name: "web", image: "busybox:1.36.1" }],
});

const fail = (answers: Record<string, string>) => {
  try {
    resolveInputs(plug, answers);
  } catch (err) {
    expect(err).toBeInstanceOf(AimsError);
    return (err as AimsError).message;
  }
  throw new Error("expected a failure");
};

describe("resolveInputs", () => {
  it("applies defaults and keeps given values", () => {
    expect(resolveInputs(plug, { NEEDED: "x", WORKERS: "4" })).toEqual({
      TITLE: "Hello",
      MODE: "safe",
      WORKERS: "4",
      NEEDED: "x",
    });
  });
  it("refuses an unknown key and lists the known ones", () => {
    expect(fail({ NEEDED: "x", COLOR: "red" })).toMatch(/unknown input COLOR .*known: TITLE, MODE/);
  });
  it("refuses wrong types and out-of-range values", () => {
    expect(fail({ NEEDED: "x", WORKERS: "9" })).toMatch(/WORKERS must be between 1 and 8/);
    expect(fail({ NEEDED: "x", WORKERS: "two" })).toMatch(/WORKERS must be a whole number/);
    expect(fail({ NEEDED: "x", MODE: "turbo" })).toMatch(/MODE must be one of: fast, safe/);
    expect(fail({ NEEDED: "x", UPSTREAM: "ftp://x" })).toMatch(/UPSTREAM must be an http\(s\) URL/);
    expect(fail({ NEEDED: "x", UPSTREAM: "not a url" })).toMatch(/UPSTREAM must be an http/);
    expect(fail({ NEEDED: "x", DOMAIN: "bad_host!" })).toMatch(/DOMAIN must be a hostname/);
    expect(fail({ NEEDED: "x", TOKEN: "short" })).toMatch(/TOKEN must be at least 8/);
    expect(fail({ NEEDED: "x", TITLE: "two\nlines" })).toMatch(/single line/);
  });
  it("reports a missing required answer with its question", () => {
    expect(fail({})).toMatch(/NEEDED is required: Needed\?/);
  });
  it("parses KEY=VALUE pairs, keeping = inside values", () => {
    expect(parseSetPairs(["A=1", "B=x=y", "C="])).toEqual({ A: "1", B: "x=y", C: "" });
    expect(() => parseSetPairs(["novalue"])).toThrow(/KEY=VALUE/);
  });
});

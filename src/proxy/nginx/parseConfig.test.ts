import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { block, directive, formatDirectives, quoteArg } from "./directives.js";
import { parseConfig } from "./parseConfig.js";

describe("parseConfig (nginx's tokenizer rules)", () => {
  it("reads directives, blocks, quotes, escapes and comments", () => {
    const text = `# header\nhttp {\n  server_name a.example "b c" 'd;e' f\\"g;  # trailing\n  map $x $y { default up; "" ""; }\n  location / { return 200 "x\\"y}\\\\"; }\n}\n`;
    expect(parseConfig(text)).toEqual([
      block(
        "http",
        [],
        [
          directive("server_name", "a.example", "b c", "d;e", 'f"g'),
          block("map", ["$x", "$y"], [directive("default", "up"), directive("", "")]),
          block("location", ["/"], [directive("return", "200", 'x"y}\\')]),
        ],
      ),
    ]);
  });

  it("keeps } inside a bare word, as nginx does, and refuses malformed text", () => {
    expect(parseConfig("a b}c;")).toEqual([directive("a", "b}c")]);
    expect(() => parseConfig("a b")).toThrow(/has no ;/);
    expect(() => parseConfig("a { b;")).toThrow(/no "}"/);
    expect(() => parseConfig("}")).toThrow(/unexpected "}"/);
    expect(() => parseConfig('a "b"c;')).toThrow(/after a quoted string/);
  });

  it("reads back exactly what formatDirectives wrote, whatever the argument", () => {
    const arg = fc.string({ unit: "binary", maxLength: 30 });
    const leaf = fc.record({ name: arg, args: fc.array(arg, { maxLength: 4 }) });
    const tree = fc.array(
      fc.oneof(
        leaf,
        fc.record({
          name: arg,
          args: fc.array(arg, { maxLength: 2 }),
          block: fc.array(leaf, { maxLength: 3 }),
        }),
      ),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(tree, (t) => {
        expect(parseConfig(formatDirectives(t))).toEqual(t);
      }),
      { numRuns: 500 },
    );
  });

  it("quotes anything that is not a plain word", () => {
    expect(quoteArg("127.0.0.1:8080")).toBe("127.0.0.1:8080");
    expect(quoteArg("$host")).toBe("$host");
    expect(quoteArg("a;b")).toBe('"a;b"');
    expect(quoteArg("#x")).toBe('"#x"');
    expect(quoteArg("")).toBe('""');
    expect(quoteArg('say "hi" \\')).toBe('"say \\"hi\\" \\\\"');
  });
});

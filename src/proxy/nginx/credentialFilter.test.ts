import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COOKIE_REMOVALS, credentialMaps } from "./credentialFilter.js";
import type { Directive } from "./directives.js";

/**
 * nginx's `map` as the proxy uses it, in JavaScript: the first regex key that matches wins, `$1`… take
 * its captures, otherwise `default`; `$name` in a value is a variable. The patterns use only what PCRE
 * and JavaScript read alike (`\s`, `(?:…)`, lazy `*?`). test/security-proxy.test.ts runs the same
 * cases through real nginx.
 */
function runMaps(maps: Directive[], request: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = { ...request };
  const expand = (text: string, captures: string[] = []) =>
    text.replace(/\$(\d|[a-z_0-9]+)/g, (_, name: string) =>
      /^\d$/.test(name) ? (captures[Number(name)] ?? "") : (vars[name] ?? ""),
    );
  for (const map of maps) {
    const [source, target] = map.args as [string, string];
    const input = expand(source);
    let value: string | undefined;
    for (const entry of map.block!) {
      if (entry.name === "default" || !entry.name.startsWith("~")) continue;
      const insensitive = entry.name.startsWith("~*");
      const match = new RegExp(entry.name.slice(insensitive ? 2 : 1), insensitive ? "i" : "").exec(input);
      if (match) {
        value = expand(entry.args[0]!, [...match]);
        break;
      }
    }
    const fallback = map.block!.find((d) => d.name === "default")!.args[0]!;
    vars[target.slice(1)] = value ?? expand(fallback);
  }
  return vars;
}

const cookieOut = (cookie: string) => runMaps(credentialMaps(), { http_cookie: cookie }).aims_cookie;
const authorizationOut = (header: string) =>
  runMaps(credentialMaps(), { http_authorization: header }).aims_authorization;

describe("the credential filter's maps", () => {
  it("remove AIMS cookies wherever they stand and keep every other cookie as it was", () => {
    const pad = Array.from({ length: COOKIE_REMOVALS }, (_, i) => `aims_pad${i}=x`);
    for (const [sent, expected] of [
      ["", ""],
      ["aims_session=a", ""],
      ["aims_session=a; aims_csrf=b", ""],
      ["__Host-aims_session=a; __Host-aims_csrf=b; x=1", "x=1"],
      ["__Secure-aims_x=a; x=1", "x=1"],
      ["x=1; aims_session=a; y=2", "x=1; y=2"],
      ["x=1;aims_session=a;y=2", "x=1;y=2"],
      ["x=1; aims_session=a", "x=1"],
      ["aims_session=a;   x=1", "x=1"],
      ["x=1; aims_1=a; aims_2=b; y=2; aims_3=c; z=3; __Host-aims_4=d", "x=1; y=2; z=3"],
      [
        "myaims_x=1; aimsx=2; x_aims_y=3; a=aims_session=4",
        "myaims_x=1; aimsx=2; x_aims_y=3; a=aims_session=4",
      ],
      ["__Host-myaims=5; AIMS_session=6", "__Host-myaims=5; AIMS_session=6"],
      [[...pad, "x=1"].join("; "), "x=1"],
      // One AIMS cookie more than the maps remove: the whole header goes, never an AIMS cookie through.
      [[...pad, "aims_session=a", "x=1"].join("; "), ""],
    ] as const)
      expect(cookieOut(sent), sent).toBe(expected);
  });

  it("keep exactly the non-AIMS pairs of any cookie list, or drop the header when it holds too many AIMS cookies", () => {
    const name = fc.oneof(
      fc.constantFrom("aims_", "__Host-aims_", "__Secure-aims_", "myaims_", "aims", "__Host-", "x", "AIMS_"),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/),
    );
    const pair = fc
      .tuple(name, fc.stringMatching(/^[A-Za-z0-9_-]{0,5}$/), fc.stringMatching(/^[A-Za-z0-9=_-]{0,8}$/))
      .map(([prefix, rest, value]) => `${prefix}${rest}=${value}`);
    const isAims = (p: string) => /^(?:__Host-|__Secure-)?aims_/.test(p);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pair, fc.constantFrom("; ", ";", ";  ", "; \t")), { maxLength: 14 }),
        (list) => {
          const header = list.map(([p, sep], i) => (i ? sep : "") + p).join("");
          const pairs = list.map(([p]) => p);
          const out = cookieOut(header)!;
          if (pairs.filter(isAims).length > COOKIE_REMOVALS) return expect(out).toBe("");
          const kept = pairs.filter((p) => !isAims(p));
          expect(
            out
              .split(";")
              .map((p) => p.trim())
              .filter(Boolean),
          ).toEqual(kept);
          expect(out).not.toMatch(/^[\s;]|;\s*$/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("remove only AIMS's bearer keys from Authorization", () => {
    expect(authorizationOut("Bearer aims_abc")).toBe("");
    expect(authorizationOut("bearer   aims_abc")).toBe("");
    expect(authorizationOut("BEARER aims_abc")).toBe("");
    for (const own of [
      "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
      "Bearer tenant-token",
      "Bearer myaims_x",
      "aims_abc",
      "",
    ])
      expect(authorizationOut(own)).toBe(own);
  });
});

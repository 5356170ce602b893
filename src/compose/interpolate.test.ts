import { describe, expect, it } from "vitest";
import { interpolationParts, isSecretName } from "./interpolate.js";

describe("compose interpolation", () => {
  it("reads every form Compose writes", () => {
    expect(interpolationParts("a ${X} $Y ${Z:-d} ${W-e} ${V:?say} $$ $")).toEqual([
      { text: "a " },
      { variable: "X", rule: { kind: "plain" } },
      { text: " " },
      { variable: "Y", rule: { kind: "plain" } },
      { text: " " },
      { variable: "Z", rule: { kind: "default", value: "d", whenEmpty: true } },
      { text: " " },
      { variable: "W", rule: { kind: "default", value: "e", whenEmpty: false } },
      { text: " " },
      { variable: "V", rule: { kind: "required", message: "say" } },
      { text: " $ $" },
    ]);
  });

  it("says what is wrong with a reference it cannot read", () => {
    expect(interpolationParts("${X")).toMatch(/no closing brace/);
    expect(interpolationParts("${1X}")).toMatch(/does not start with a variable name/);
    expect(interpolationParts("${X:-${Y}}")).toMatch(/holds another variable/);
    expect(interpolationParts("${X#y}")).toMatch(/is not \$\{VAR\}/);
  });

  it.each([
    ["DB_PASSWORD", true],
    ["PASSWORD", true],
    ["JWT_SECRET", true],
    ["GITHUB_TOKEN", true],
    ["API_KEY", true],
    ["KEYCLOAK_URL", false],
    ["MONKEY", false],
    ["TOKEN_URL", false],
    ["PASSWORDLESS", false],
    ["SECRETARY", false],
  ])("%s is a secret: %s", (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });
});

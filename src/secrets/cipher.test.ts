import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSecret, openSecret, sealSecret } from "./cipher.js";

const key = randomBytes(32);
const cannotDecrypt = {
  code: "failed",
  message: "cannot decrypt secret: wrong master key or corrupted value",
};

function expectCannotOpen(open: () => string) {
  try {
    open();
  } catch (err) {
    expect(err).toMatchObject(cannotDecrypt);
    return;
  }
  throw new Error("expected openSecret to fail");
}

describe("sealSecret / openSecret", () => {
  it("round-trips, with a fresh IV each time", () => {
    const a = sealSecret(key, "pässwörd ✓", "inst-1/PASSWORD");
    const b = sealSecret(key, "pässwörd ✓", "inst-1/PASSWORD");
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(openSecret(key, a, "inst-1/PASSWORD")).toBe("pässwörd ✓");
    expect(openSecret(key, sealSecret(key, ""))).toBe("");
  });

  it("fails with the wrong key", () => {
    const sealed = sealSecret(key, "s3cret");
    expectCannotOpen(() => openSecret(randomBytes(32), sealed));
  });

  it("fails when any part is tampered with", () => {
    const sealed = sealSecret(key, "s3cret");
    const parts = sealed.split(".");
    for (const i of [1, 2, 3]) {
      const bytes = Buffer.from(parts[i]!, "base64url");
      bytes[0]! ^= 1;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString("base64url") : p)).join(".");
      expectCannotOpen(() => openSecret(key, tampered));
    }
    expectCannotOpen(() => openSecret(key, `v2${sealed.slice(2)}`));
    expectCannotOpen(() => openSecret(key, "not a sealed value"));
  });

  it("fails when the AAD does not match (a value moved to another instance or key)", () => {
    const sealed = sealSecret(key, "s3cret", "inst-1/PASSWORD");
    expectCannotOpen(() => openSecret(key, sealed, "inst-2/PASSWORD"));
    expectCannotOpen(() => openSecret(key, sealed));
  });
});

describe("generateSecret", () => {
  it.each([
    ["hex", /^[0-9a-f]+$/, 16],
    ["alnum", /^[A-Za-z0-9]+$/, 62],
    ["base64url", /^[A-Za-z0-9_-]+$/, 64],
  ] as const)("%s: exact length, only its alphabet, every character reachable", (alphabet, pattern, size) => {
    for (const length of [1, 7, 32, 33]) expect(generateSecret(length, alphabet)).toHaveLength(length);
    const sample = generateSecret(4096, alphabet);
    expect(sample).toMatch(pattern);
    expect(new Set(sample).size).toBe(size);
    expect(generateSecret(32, alphabet)).not.toBe(generateSecret(32, alphabet));
  });

  it("refuses a nonsensical length", () => {
    expect(() => generateSecret(0, "hex")).toThrow(/1 to 4096/);
    expect(() => generateSecret(2.5, "hex")).toThrow(/1 to 4096/);
  });
});

import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMasterKey } from "./masterKey.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aims-key-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("loadMasterKey", () => {
  it("uses a configured base64 key of 32 bytes and writes no file", () => {
    const key = randomBytes(32);
    expect(loadMasterKey({ masterKey: key.toString("base64"), dataDir: dir }).equals(key)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a configured key that is not 32 bytes of base64", () => {
    for (const bad of [
      randomBytes(16).toString("base64"),
      "not base64 at all!",
      `${randomBytes(32).toString("base64")}xx`,
    ]) {
      expect(() => loadMasterKey({ masterKey: bad, dataDir: dir })).toThrow(
        expect.objectContaining({
          code: "invalid_input",
          message: expect.stringMatching(/exactly 32 bytes/),
        }),
      );
    }
  });

  it("generates a key file with mode 0600 once and reuses it", () => {
    const dataDir = join(dir, "data");
    const first = loadMasterKey({ dataDir });
    const path = join(dataDir, "master.key");
    expect(first).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, "utf8").trim(), "base64").equals(first)).toBe(true);
    expect(loadMasterKey({ dataDir }).equals(first)).toBe(true);
    expect(readdirSync(dataDir)).toEqual(["master.key"]);
  });

  it("refuses a key file other users can read", () => {
    const path = join(dir, "master.key");
    writeFileSync(path, randomBytes(32).toString("base64"));
    chmodSync(path, 0o644);
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(/mode 0644.*chmod 600/);
  });

  it("refuses a key file that does not hold a 32-byte key", () => {
    writeFileSync(join(dir, "master.key"), "short", { mode: 0o600 });
    expect(() => loadMasterKey({ dataDir: dir })).toThrow(
      /master key file .* must be base64 of exactly 32 bytes/,
    );
  });
});

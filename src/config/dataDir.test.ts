import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dataDirModeProblems, makeDataDirPrivate } from "./dataDir.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("the data dir's modes", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("creates a missing data dir 0700 and says nothing", () => {
    root = mkdtempSync(join(tmpdir(), "aims-datadir-"));
    const dir = join(root, "a", "b");
    expect(makeDataDirPrivate(dir)).toBeUndefined();
    expect(mode(dir)).toBe(0o700);
  });

  it("tightens a dir others can read and says what it changed", () => {
    root = mkdtempSync(join(tmpdir(), "aims-datadir-"));
    chmodSync(root, 0o755);
    expect(makeDataDirPrivate(root)).toBe(
      `data dir ${root} had mode 0755, so other users could read it; changed it to 0700`,
    );
    expect(mode(root)).toBe(0o700);
  });

  it("names every entry others can read, with its fix", () => {
    root = mkdtempSync(join(tmpdir(), "aims-datadir-"));
    writeFileSync(join(root, "aims.db"), "", { mode: 0o600 });
    writeFileSync(join(root, "config.yaml"), "");
    chmodSync(join(root, "config.yaml"), 0o644);
    expect(dataDirModeProblems(root)).toEqual([
      `config.yaml has mode 0644 (run \`chmod 600 ${join(root, "config.yaml")}\`)`,
    ]);
    chmodSync(root, 0o711);
    expect(dataDirModeProblems(root)[0]).toMatch(/^data dir .* has mode 0711/);
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestInstall, installationId } from "./support/aimsCli.js";

const install = await createTestInstall("52210-52219");
afterAll(() => install.cleanup());
const configFile = join(install.dataDir, "config.yaml");

describe("a config.yaml with a key AIMS does not know is refused at start-up", () => {
  it.each([
    ["api:\n  prot: 1\n", "api.prot"],
    ["proxy:\n  tlsprot: 8443\n", "proxy.tlsprot"],
    ["api:\n  passwordHashing:\n    iteration: 3\n", "api.passwordHashing.iteration"],
    ["logLevl: info\n", "logLevl"],
  ])("%j: aims ps names %s and the file, exits 2, creates nothing", async (yaml, key) => {
    writeFileSync(configFile, yaml);
    const r = await install.run(["ps"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`aims: invalid_input: config.yaml: unknown key ${key} in ${configFile}`);
    expect(r.stdout).toBe("");
    expect(installationId(install.dataDir)).toBeUndefined();
  });

  it("answers the same in --json, and a --config file is named by its own path", async () => {
    writeFileSync(configFile, "api:\n  prot: 1\n");
    const json = await install.run(["ps", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      code: "invalid_input",
      message: `config.yaml: unknown key api.prot in ${configFile}`,
    });
    const other = join(install.dataDir, "other.yaml");
    writeFileSync(other, "reconcile:\n  intervall: 1000\n");
    const named = await install.run(["--config", other, "ps"]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`config.yaml: unknown key reconcile.intervall in ${other}`);
  });

  it("starts once the key is right", async () => {
    writeFileSync(configFile, "api:\n  port: 0\n");
    const r = await install.run(["ps", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./loadConfig.js";

/** A data dir whose config.yaml holds `yaml`. */
function withConfigFile(yaml: string): { dataDir: string; file: string } {
  const dataDir = mkdtempSync(join(tmpdir(), "aims-config-"));
  const file = join(dataDir, "config.yaml");
  writeFileSync(file, yaml);
  return { dataDir, file };
}

describe("loadConfig refuses keys config.yaml should not have", () => {
  it.each([
    ["prot: 1", "prot"],
    ["api:\n  prot: 1", "api.prot"],
    ["api:\n  passwordHashing:\n    memory: 1024", "api.passwordHashing.memory"],
    ["proxy:\n  enable: false", "proxy.enable"],
    ["health:\n  timeout: 1000", "health.timeout"],
    ["restart:\n  retries: 2", "restart.retries"],
    ["reconcile:\n  interval: 1000", "reconcile.interval"],
    ["ports: {min: 52000, max: 52010, step: 1}", "ports.step"],
    ["remote: {url: http://127.0.0.1:7700, apiKey: k, token: t}", "remote.token"],
    ["testHooks:\n  crash: mid-scale", "testHooks.crash"],
  ])("%j names %s and the file", (yaml, key) => {
    const { dataDir, file } = withConfigFile(`${yaml}\n`);
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: dataDir } })).toThrow(
      `config.yaml: unknown key ${key} in ${file}`,
    );
  });

  it("names every unknown key at once, before any other problem", () => {
    const { dataDir } = withConfigFile("api:\n  prot: 1\n  port: nope\nproxy:\n  prot: 2\n");
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: dataDir } })).toThrow(
      /^config\.yaml: unknown keys api\.prot, proxy\.prot in \//,
    );
  });

  it("names the file given with --config, and keys passed as overrides apart from the file's", () => {
    const { dataDir } = withConfigFile("");
    const other = join(dataDir, "other.yaml");
    writeFileSync(other, "logLevl: info\n");
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: dataDir }, configFile: other })).toThrow(
      `config.yaml: unknown key logLevl in ${other}`,
    );
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: dataDir }, overrides: { api: { prot: 1 } } })).toThrow(
      /^unknown configuration key api\.prot$/,
    );
  });

  it("accepts any image name under imageOverrides, and an empty file", () => {
    const { dataDir } = withConfigFile("imageOverrides:\n  redis:7.2.4: local/redis:7\n");
    expect(loadConfig({ env: { AIMS_DATA_DIR: dataDir } }).imageOverrides).toEqual({
      "redis:7.2.4": "local/redis:7",
    });
    expect(loadConfig({ env: { AIMS_DATA_DIR: withConfigFile("").dataDir } }).logLevel).toBe("warn");
  });

  it("refuses a file that is not a mapping of keys", () => {
    const { dataDir, file } = withConfigFile("- logLevel: info\n");
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: dataDir } })).toThrow(
      `config file ${file} must be a mapping of keys`,
    );
  });
});

describe("loadConfig test hooks", () => {
  it("are off by default and set from the variables the tests use", () => {
    const { dataDir } = withConfigFile("");
    expect(loadConfig({ env: { AIMS_DATA_DIR: dataDir } }).testHooks).toEqual({
      corruptProxyCandidate: false,
    });
    expect(
      loadConfig({
        env: { AIMS_DATA_DIR: dataDir, AIMS_TEST_CRASH_AT: "mid-scale", AIMS_TEST_PROXY_CORRUPT: "1" },
      }).testHooks,
    ).toEqual({ crashAt: "mid-scale", corruptProxyCandidate: true });
  });
});

describe("loadConfig defaults", () => {
  it("fills a nested object given in part from its fields' defaults", () => {
    const { dataDir } = withConfigFile("api:\n  port: 7701\n  passwordHashing: {iterations: 3}\n");
    const { api } = loadConfig({ env: { AIMS_DATA_DIR: dataDir } });
    expect(api.port).toBe(7701);
    expect(api.host).toBe("127.0.0.1");
    expect(api.passwordHashing).toEqual({ memoryKiB: 19_456, iterations: 3 });
  });

  it("gives fresh default objects to every load (none is shared and mutated)", () => {
    const { dataDir } = withConfigFile("");
    const first = loadConfig({ env: { AIMS_DATA_DIR: dataDir } });
    first.health.timeoutMs = 1;
    expect(loadConfig({ env: { AIMS_DATA_DIR: dataDir } }).health.timeoutMs).toBe(60_000);
  });
});

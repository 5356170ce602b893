import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

const dir = () => mkdtempSync(join(tmpdir(), "aims-config-"));

describe("loadConfig", () => {
  it("gives sane defaults rooted in the data dir", () => {
    const d = dir();
    const c = loadConfig({ env: { AIMS_DATA_DIR: d } });
    expect(c.databaseUrl).toBe(`sqlite://${join(d, "aims.db")}`);
    expect(c.ports).toEqual({ min: 51000, max: 51999 });
    expect(c.bindAddress).toBe("127.0.0.1");
    expect(c.dockerSocket).toBe("/var/run/docker.sock");
    expect(c.health.initialIntervalMs).toBeLessThan(100);
  });

  it("takes env over config.yaml over defaults", () => {
    const d = dir();
    writeFileSync(
      join(d, "config.yaml"),
      "bindAddress: 0.0.0.0\nports: { min: 60000, max: 60010 }\nimageOverrides:\n  redis:7.2.4: local/redis:7\n",
    );
    const fileOnly = loadConfig({ env: { AIMS_DATA_DIR: d } });
    expect(fileOnly.bindAddress).toBe("0.0.0.0");
    expect(fileOnly.ports).toEqual({ min: 60000, max: 60010 });
    expect(fileOnly.imageOverrides).toEqual({ "redis:7.2.4": "local/redis:7" });
    const withEnv = loadConfig({
      env: { AIMS_DATA_DIR: d, AIMS_BIND_ADDRESS: "127.0.0.2", AIMS_PORT_RANGE: "61000-61005" },
    });
    expect(withEnv.bindAddress).toBe("127.0.0.2");
    expect(withEnv.ports).toEqual({ min: 61000, max: 61005 });
  });

  it("names the bad field in a clear error", () => {
    const d = dir();
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: d, AIMS_PORT_RANGE: "lots" } })).toThrow(
      /AIMS_PORT_RANGE must look like 51000-51999/,
    );
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: d, AIMS_BIND_ADDRESS: "everywhere" } })).toThrow(
      /bindAddress/,
    );
    writeFileSync(join(d, "config.yaml"), "ports: { min: 6000, max: 5000 }\n");
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: d } })).toThrow(/ports.*must not exceed/);
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: d }, configFile: join(d, "missing.yaml") })).toThrow(
      /does not exist/,
    );
  });

  it("reads remote mode from AIMS_URL + AIMS_API_KEY, and never echoes the key in an error", () => {
    const d = dir();
    expect(loadConfig({ env: { AIMS_DATA_DIR: d } }).remote).toBeUndefined();
    const remote = loadConfig({
      env: { AIMS_DATA_DIR: d, AIMS_URL: "http://10.0.0.5:7700/", AIMS_API_KEY: "aims_k" },
    }).remote;
    expect(remote).toEqual({ url: "http://10.0.0.5:7700", apiKey: "aims_k" });
    expect(() => loadConfig({ env: { AIMS_DATA_DIR: d, AIMS_URL: "http://10.0.0.5:7700" } })).toThrow(
      /set AIMS_API_KEY .* together with AIMS_URL/,
    );
    const bad = () =>
      loadConfig({ env: { AIMS_DATA_DIR: d, AIMS_URL: "ftp://x", AIMS_API_KEY: "aims_secret-value" } });
    expect(bad).toThrow(/AIMS_URL must be an http\(s\) URL/);
    expect(bad).not.toThrow(/secret-value/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { renderUnit, serviceEnvironment } from "./service.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The variables a unit sets, read the way systemd reads its `Environment=` lines. */
function unitEnvironment(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.split("\n")) {
    const m = /^Environment=(?:"(.*)"|(.*))$/.exec(line);
    if (!m) continue;
    const assignment =
      m[1] !== undefined
        ? m[1].replace(/\\(.)/g, (_all, c: string) => (c === "n" ? "\n" : c)).replaceAll("%%", "%")
        : m[2]!;
    const eq = assignment.indexOf("=");
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return env;
}

describe("the unit of aims service install", () => {
  it("starts the service with the settings this command had, from its flags, variables and file", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "aims-unit-"));
    dirs.push(dataDir);
    const file = join(dataDir, "elsewhere.yaml");
    writeFileSync(file, "reconcile:\n  intervalMs: 7000\n");
    const env = {
      AIMS_PORT_RANGE: "53800-53849",
      AIMS_PROXY_PORT: "23800",
      AIMS_PROXY_CERT_DIR: "/srv/my certs",
      AIMS_BASE_DOMAIN: "apps.example.com",
      AIMS_IMAGE_OVERRIDES: 'redis:7=local/redis:7,x="%q"=y',
      AIMS_LOG_LEVEL: "info",
      AIMS_MASTER_KEY: Buffer.alloc(32, 1).toString("base64"),
      AIMS_TEST_CRASH_AT: "mid-scale",
    };
    const config = loadConfig({ env, configFile: file, overrides: { dataDir } });
    const { variables, secrets } = serviceEnvironment(config);
    const unit = renderUnit({ node: "/usr/bin/node", bin: "/opt/aims/bin/aims.js", environment: variables });
    const { masterKey: _key, environment: _env, testHooks: _hooks, ...expected } = config;
    const started = loadConfig({ env: { ...unitEnvironment(unit), ...Object.fromEntries(secrets) } });
    const { masterKey, environment: _env2, testHooks, ...actual } = started;
    expect(actual).toEqual(expected);
    expect(started.reconcile.intervalMs).toBe(7000);
    expect(masterKey).toBe(env.AIMS_MASTER_KEY);
    // The master key stays out of the unit, and a crash hook of the tests never reaches a service.
    expect(unit).not.toContain(env.AIMS_MASTER_KEY);
    expect(secrets).toEqual([["AIMS_MASTER_KEY", env.AIMS_MASTER_KEY]]);
    expect(testHooks.crashAt).toBeUndefined();
  });

  it("quotes a value systemd would split or expand", () => {
    const unit = renderUnit({
      node: "/usr/bin/node",
      bin: "/opt/aims/bin/aims.js",
      environment: [
        ["A", "/plain/path:1,2"],
        ["B", 'two words "and" 100%'],
      ],
      secretsFile: "/var/lib/aims/service.env",
    });
    expect(unit).toContain("Environment=A=/plain/path:1,2\n");
    expect(unit).toContain('Environment="B=two words \\"and\\" 100%%"\n');
    expect(unit).toContain("EnvironmentFile=/var/lib/aims/service.env\n");
    expect(unitEnvironment(unit)).toEqual({ A: "/plain/path:1,2", B: 'two words "and" 100%' });
  });
});

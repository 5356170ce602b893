import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_FILE_VARIABLE, ENVIRONMENT, environmentSettings, fromEnvironment } from "./environment.js";
import { configSchema } from "./schema.js";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

/** One row of a docs table whose columns are key / environment / …. */
interface DocumentedRow {
  /** The config keys the row is about: `proxy.port`, or `proxy` for `proxy: {enabled, port, …}`. */
  keys: string[];
  /** The fields a `{a, b, …}` list names, when the row has one. */
  fields: string[];
  variables: string[];
  line: string;
}

/** The rows of every key / environment table in `markdown`. */
function documentedRows(markdown: string): DocumentedRow[] {
  const rows: DocumentedRow[] = [];
  let inTable = false;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      inTable = false;
      continue;
    }
    // `\|` inside a cell (AIMS_PROXY=on\|off) is not a column break.
    const cells = line.split(/(?<!\\)\|/).slice(1, -1);
    if (/^\s*key\b/.test(cells[0] ?? "") && /^\s*environment\s*$/.test(cells[1] ?? "")) {
      inTable = true;
      continue;
    }
    if (!inTable || /^[\s|-]*$/.test(line)) continue;
    const codes = [...(cells[0] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    rows.push({
      keys: codes.map((code) => /^[A-Za-z.]+/.exec(code)![0]),
      fields: codes.flatMap((code) =>
        (/\{([^}]*)\}/.exec(code)?.[1] ?? "")
          .split(",")
          .map((f) => f.trim())
          .filter((f) => /^[A-Za-z]+$/.test(f)),
      ),
      variables: [...(cells[1] ?? "").matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)].map((m) => m[0]),
      line,
    });
  }
  return rows;
}

/** The configuration section of README.md. */
function readmeConfiguration(): string {
  const readme = read("README.md");
  const start = readme.indexOf("\n## Configuration\n");
  expect(start, "README.md has a Configuration section").toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const documented = ENVIRONMENT.filter((v) => !v.path.startsWith("testHooks."));
const under = (key: string) => documented.filter((v) => v.path === key || v.path.startsWith(`${key}.`));

describe("the environment table and the docs agree", () => {
  const readme = documentedRows(readmeConfiguration());

  it("README.md's configuration table has one row per config key (test hooks are not documented)", () => {
    const keys = readme.flatMap((row) => row.keys);
    const schemaKeys = Object.keys(configSchema.shape).filter((key) => key !== "testHooks");
    expect([...keys].sort()).toEqual([...schemaKeys].sort());
    expect(readmeConfiguration()).not.toMatch(/testHooks|AIMS_TEST_/);
  });

  it("every variable is in the README row of its key, and every variable there is read", () => {
    for (const row of readme) {
      const expected = row.keys.flatMap((key) => under(key).map((v) => v.name));
      expect([...row.variables].sort(), row.line).toEqual([...expected].sort());
      // `health: {…, timeoutMs, …}` names the field AIMS_HEALTH_TIMEOUT_MS sets; `api: {…, rateLimit, …}` the
      // object AIMS_API_RATE_LIMIT_PER_MINUTE sets a field of.
      for (const key of row.keys)
        for (const variable of under(key))
          if (row.fields.length && variable.path !== key)
            expect(row.fields, `${variable.name} sets ${variable.path}: ${row.line}`).toContain(
              variable.path.slice(key.length + 1).split(".")[0],
            );
    }
    const inReadme = new Set(readme.flatMap((row) => row.variables));
    for (const variable of documented) expect(inReadme, variable.name).toContain(variable.name);
    expect(readmeConfiguration()).toContain(CONFIG_FILE_VARIABLE);
  });

  it.each(["docs/api.md", "docs/routing.md"])("%s names the same variable for each key it lists", (file) => {
    const rows = documentedRows(read(file));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const expected = row.keys.flatMap((key) => under(key).map((v) => v.name));
      expect([...row.variables].sort(), `${file}: ${row.line}`).toEqual([...expected].sort());
    }
  });
});

describe("fromEnvironment", () => {
  it("sets each variable's key by the table, nested keys included", () => {
    expect(
      fromEnvironment({
        AIMS_API_PORT: "7701",
        AIMS_API_HOST: "::1",
        AIMS_HEALTH_TIMEOUT_MS: "3000",
        AIMS_PORT_RANGE: "52000-52010",
        AIMS_TEST_CRASH_AT: "mid-scale",
      }),
    ).toEqual({
      api: { port: 7701, host: "::1" },
      health: { timeoutMs: 3000 },
      ports: { min: 52000, max: 52010 },
      testHooks: { crashAt: "mid-scale" },
    });
  });

  it("treats empty variables as unset and lets AIMS_DOCKER_SOCKET win over DOCKER_HOST", () => {
    expect(fromEnvironment({ AIMS_API_PORT: "", AIMS_PROXY: "" })).toEqual({});
    expect(fromEnvironment({ DOCKER_HOST: "unix:///run/docker.sock" })).toEqual({
      dockerSocket: "/run/docker.sock",
    });
    expect(fromEnvironment({ DOCKER_HOST: "unix:///a", AIMS_DOCKER_SOCKET: "/b" })).toEqual({
      dockerSocket: "/b",
    });
  });

  it("parses switches and lists the way they are documented", () => {
    expect(fromEnvironment({ AIMS_PROXY: " Off " })).toEqual({ proxy: { enabled: false } });
    expect(() => fromEnvironment({ AIMS_PROXY: "maybe" })).toThrow(/AIMS_PROXY must be on or off/);
    expect(fromEnvironment({ AIMS_API_SECURE_COOKIES: "false" })).toEqual({ api: { secureCookies: false } });
    expect(fromEnvironment({ AIMS_CATALOG_DIRS: "/a::/b" })).toEqual({ catalogDirs: ["/a", "/b"] });
    expect(fromEnvironment({ AIMS_IMAGE_OVERRIDES: "redis:7=local/redis:7, a = b," })).toEqual({
      imageOverrides: { "redis:7": "local/redis:7", a: "b" },
    });
    expect(() => fromEnvironment({ AIMS_IMAGE_OVERRIDES: "=x" })).toThrow(/upstream=local, got "=x"/);
  });

  it("has one row per variable", () => {
    const names = ENVIRONMENT.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("environmentSettings", () => {
  it("lists the variables that are set, with their text, marking credentials", () => {
    expect(
      environmentSettings({
        HOME: "/root",
        AIMS_PORT_RANGE: "53800-53849",
        AIMS_API_PORT: "",
        AIMS_MASTER_KEY: "a2V5",
        AIMS_PROXY_CERT_DIR: "/srv/certs",
      }),
    ).toEqual([
      { name: "AIMS_PORT_RANGE", path: "ports", text: "53800-53849", secret: false },
      { name: "AIMS_MASTER_KEY", path: "masterKey", text: "a2V5", secret: true },
      { name: "AIMS_PROXY_CERT_DIR", path: "proxy.certDir", text: "/srv/certs", secret: false },
    ]);
  });

  it("marks every credential of the table", () => {
    expect(ENVIRONMENT.filter((v) => v.secret).map((v) => v.name)).toEqual([
      "AIMS_MASTER_KEY",
      "AIMS_API_KEY",
    ]);
  });
});

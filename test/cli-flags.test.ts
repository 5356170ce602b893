import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command, Option } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as z from "zod";
import { INSTANCE_ACTIONS } from "../src/api/instanceActions.js";
import { apiRoutes } from "../src/api/routes/index.js";
import { parseRequestPart } from "../src/api/validation.js";
import { FLAG_SCHEMAS } from "../src/cli/flags.js";
import { buildProgram } from "../src/cli/program.js";
import { createTestInstall } from "./support/aimsCli.js";
import { get } from "./support/http.js";
import { onTerminal, SCRIPT } from "./support/terminal.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures/catalog");
const install = await createTestInstall("53800-53849", { AIMS_CATALOG_DIRS: FIXTURES });
afterAll(() => install.cleanup());

/** No engine: a bad value that slipped past its flag fails there and never starts anything. */
const NO_ENGINE = { AIMS_DOCKER_SOCKET: "/tmp/aims-cli-flags-no-engine.sock" };

/** zod's own wording, which must never reach a person. */
const RAW = /Too small|Too big|expected|Unrecognized key|Invalid input/i;
/** How a message states what is allowed: a range, the values, an example or a length. */
const ALLOWED = /\bfrom \S+ to \S+|\bof: |\blike \S|\bat (least|most) \S|\b\d+-\d+\b/;

/**
 * What people mistype: a word for a number, negative, zero, too large, a size below the engine's minimum, stray
 * signs, nothing, far too long.
 */
const BAD_VALUES = ["abc", "-5", "0", "99999999999", "1k", "bogus%%", "", "x".repeat(300)];

/** A valid value for each positional argument, by its name. */
const ARGUMENTS: Record<string, string> = {
  plug: "static-site",
  instance: "web",
  host: "web.example.com",
  email: "someone@example.com",
  id: "kv1",
  message: "what's running?",
  url: "https://hooks.example.com/aims",
  policy: "all",
  name: "acme",
  file: "docker-compose.yml",
};
/** A valid value for each required flag. */
const REQUIRED: Record<string, string> = {
  "--tenant": "acme",
  "--name": "web",
  "--replicas": "2",
  "--chat-id": "123456789",
  "--service": "web",
  "--min": "1",
  "--max": "2",
  "--cpu": "70",
};

/** Every command that runs an action, with the words that name it. */
function leaves(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  const subcommands = command.commands.filter((c) => c.name() !== "help");
  if (!subcommands.length) return [{ path, command }];
  return subcommands.flatMap((c) => leaves(c, [...path, c.name()]));
}

const takesValue = (option: Option) => option.required || option.optional;

/** Every flag's schema, built. */
const SCHEMAS: Record<string, z.ZodType> = Object.fromEntries(
  await Promise.all(Object.entries(FLAG_SCHEMAS).map(async ([flag, schemaOf]) => [flag, await schemaOf()])),
);

const program = buildProgram();
const commands = leaves(program);
/** The root's own flags (--config, --data-dir) are walked on `aims ps`. */
const rootFlags = program.options.filter(takesValue);

interface FlagCase {
  command: string;
  flag: string;
  value: string;
  args: string[];
}

/** The arguments of `path` with every required argument and flag given a valid value, except `flag`. */
function argsFor(path: string[], command: Command, flag: string, value: string): string[] {
  const args = command.registeredArguments.map((a) => {
    const filler = ARGUMENTS[a.name()];
    if (filler === undefined)
      throw new Error(`add a valid <${a.name()}> to ARGUMENTS for aims ${path.join(" ")}`);
    return filler;
  });
  const required = command.options
    .filter((o) => o.mandatory && o.long !== flag)
    .flatMap((o) => {
      const filler = REQUIRED[o.long!];
      if (filler === undefined)
        throw new Error(`add a valid ${o.long} to REQUIRED for aims ${path.join(" ")}`);
      return [o.long!, filler];
    });
  return [...path, ...args, ...required, flag, value];
}

/** Every value of BAD_VALUES that a flag's schema refuses, for every flag of every command. */
const cases: FlagCase[] = [];
let accepted = 0;
const walked = commands.map(({ path, command }) => ({
  path,
  command,
  options: command.options.filter(takesValue),
}));
for (const { path, command, options } of walked)
  for (const option of options)
    for (const value of BAD_VALUES) {
      const schema = SCHEMAS[option.long!];
      if (!schema || schema.safeParse(value).success) {
        accepted++;
        continue;
      }
      cases.push({
        command: path.join(" "),
        flag: option.long!,
        value,
        args: argsFor(path, command, option.long!, value),
      });
    }
for (const option of rootFlags)
  for (const value of BAD_VALUES)
    if (SCHEMAS[option.long!]?.safeParse(value).success === false)
      cases.push({
        command: "(before any command)",
        flag: option.long!,
        value,
        args: [option.long!, value, "ps"],
      });
    else accepted++;

/** Asserts a refusal the one way: exit 2, the flag named with what it may be, none of zod's own words. */
function expectRefusal(r: { code: number; stderr: string }, flag: string) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^aims: invalid_input: /);
  const message = r.stderr.replace(/^aims: invalid_input: /, "").trim();
  expect(message).toContain(flag);
  expect(message).toMatch(ALLOWED);
  expect(message).not.toMatch(RAW);
}

describe("every flag that takes a value is checked by its one schema", () => {
  // Where the walk runs: a value that slipped through (a relative --unit-dir) would leave a file here.
  const cwd = mkdtempSync(join(tmpdir(), "aims-flag-walk-"));
  afterAll(() => {
    expect(readdirSync(cwd)).toEqual([]);
    rmSync(cwd, { recursive: true });
  });

  it("has a schema for each such flag of each command, and none for a flag that no longer exists", () => {
    const flags = new Set([...rootFlags, ...walked.flatMap((w) => w.options)].map((o) => o.long!));
    const missing = [...flags].filter((flag) => !FLAG_SCHEMAS[flag]);
    expect(missing, "add these flags' schemas to FLAG_SCHEMAS in src/cli/flags.ts").toEqual([]);
    expect(Object.keys(FLAG_SCHEMAS).filter((flag) => !flags.has(flag))).toEqual([]);
    // The walk below is not vacuous: every command with a flag that takes a value is in it.
    expect(new Set(cases.map((c) => c.flag))).toEqual(flags);
    expect(cases.length).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(0);
  });

  it.concurrent.each(
    cases.map((c) => [c.command, c.flag, c.value.length > 20 ? "(300 characters)" : c.value, c] as const),
  )("aims %s %s %j is refused naming the flag and what it may be", async (_command, flag, _value, c) => {
    expectRefusal(await install.run(c.args, NO_ENGINE, { cwd }), flag);
  });
});

describe("the flags of the user trial", () => {
  it.concurrent.each([
    [["logs", "web", "--tenant", "acme", "--tail", "abc"], /--tail must be a whole number from 0 to 10000/],
    [["logs", "web", "--tenant", "acme", "--tail", "-5"], /--tail must be a whole number from 0 to 10000/],
    [["events", "--type", "bogus%%"], /--type must be an event type or the start of one, like instance\./],
    [["ps", "--tenant", "BAD"], /--tenant must be a DNS label/],
    [
      ["scale", "web", "--tenant", "acme", "--replicas", "0"],
      /--replicas must be a whole number from 1 to 20$/m,
    ],
    [
      ["scale", "web", "--tenant", "acme", "--replicas", "99999999999"],
      /--replicas must be a whole number from 1 to 20/,
    ],
    [
      ["update", "web", "--tenant", "acme", "--memory", "1k"],
      /--memory must be a size of at least 6m, like 256m/,
    ],
    [
      ["update", "web", "--tenant", "acme", "--cpu", "0"],
      /--cpu must be a number of CPU cores from 0.01 to 64/,
    ],
    [
      ["update", "web", "--tenant", "acme", "--pids", "99999999999"],
      /--pids must be a whole number from 16 to 32768/,
    ],
    [
      ["update", "web", "--tenant", "acme", "--image", "web"],
      /--image must be SERVICE=IMAGE with a pinned tag/,
    ],
    [
      ["catalog", "list", "--category", "games"],
      /--category must be one of: tool, agent, platform, bot, database/,
    ],
  ] as const)("aims %j", async (args, message) => {
    const r = await install.run([...args], NO_ENGINE);
    expectRefusal(r, args.at(-2)!);
    expect(r.stderr).toMatch(message);
  });

  it("answers --json with the one error shape", async () => {
    const r = await install.run(
      ["scale", "web", "--tenant", "acme", "--replicas", "abc", "--json"],
      NO_ENGINE,
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "invalid_input", message: "--replicas must be a whole number from 1 to 20" },
    });
  });
});

describe("the API refuses the same values in the same words", () => {
  const route = (method: string, url: string) => apiRoutes.find((r) => r.method === method && r.url === url)!;
  it.each([
    [
      route("GET", "/v1/tenants/:tenant/instances/:name/logs").query,
      { tail: "abc" },
      "query",
      "query.tail must be a whole number from 0 to 10000",
    ],
    [
      route("GET", "/v1/tenants/:tenant/instances/:name/logs").query,
      { tail: "-5" },
      "query",
      "query.tail must be a whole number from 0 to 10000",
    ],
    [route("GET", "/v1/instances").query, { tenant: "BAD" }, "query", "query.tenant must be a DNS label"],
    [route("GET", "/v1/events").query, { tenant: "BAD" }, "query", "query.tenant must be a DNS label"],
    [
      route("GET", "/v1/events").query,
      { limit: "0" },
      "query",
      "query.limit must be a whole number from 1 to 200",
    ],
    [
      route("GET", "/v1/plugs").query,
      { category: "games" },
      "query",
      "query.category must be one of: tool, agent",
    ],
    [
      INSTANCE_ACTIONS.scale!.body,
      { replicas: 0 },
      "body",
      "body.replicas must be a whole number from 1 to 20",
    ],
    [
      INSTANCE_ACTIONS.scale!.body,
      { replicas: 1e20 },
      "body",
      "body.replicas must be a whole number from 1 to 20",
    ],
    [INSTANCE_ACTIONS.update!.body, { memory: "1k" }, "body", "body.memory must be a size of at least 6m"],
    [
      INSTANCE_ACTIONS.update!.body,
      { cpu: 0 },
      "body",
      "body.cpu must be a number of CPU cores from 0.01 to 64",
    ],
    [INSTANCE_ACTIONS.update!.body, { pids: 5 }, "body", "body.pids must be a whole number from 16 to 32768"],
  ] as const)("%#: %j in the %s", (schema, value, part, message) => {
    expect(() => parseRequestPart(schema, value, part)).toThrow(message);
    try {
      parseRequestPart(schema, value, part);
    } catch (err) {
      expect((err as Error).message).not.toMatch(RAW);
    }
  });
});

describe.skipIf(!SCRIPT)("answering no to a confirmation on a terminal", () => {
  it.each([
    [["rm", "web", "--tenant", "acme"], /cancelled: acme\/web was not removed/],
    [["volumes", "rm", "kv1", "--tenant", "acme"], /cancelled: kept volume kv1 was not removed/],
    [["secrets", "show", "web", "--tenant", "acme"], /cancelled: no secrets were printed/],
  ])("aims %j prints cancelled and exits 0", async (args, message) => {
    const r = await onTerminal(install.env, args, ["n"], /\[y\/N\] /g);
    expect(r.output).toMatch(/\[y\/N\]/);
    expect(r.output).toMatch(message);
    expect(r.output).not.toMatch(/invalid_input/);
    expect(r.code, r.output).toBe(0);
  });
});

describe("aims service install carries the settings of its environment", () => {
  const masterKey = Buffer.alloc(32, 7).toString("base64");
  const extra = {
    AIMS_PROXY_CERT_DIR: "/srv/aims certs",
    AIMS_PROXY_TLS_PORT: "28443",
    AIMS_MASTER_KEY: masterKey,
  };
  const settings = () => ({ ...install.env, AIMS_CATALOG_DIRS: FIXTURES, ...extra });
  const carried = () =>
    Object.entries(settings()).filter(([name]) => name !== "AIMS_DATA_DIR" && name !== "AIMS_MASTER_KEY");

  it("--print writes every variable that set a setting into the unit, and says the master key is kept apart", async () => {
    const r = await install.run(["service", "install", "--print"], extra);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Environment=AIMS_DATA_DIR=${install.dataDir}\n`);
    for (const [name, value] of carried())
      expect(r.stdout).toContain(
        value.includes(" ") ? `Environment="${name}=${value}"` : `Environment=${name}=${value}\n`,
      );
    expect(r.stdout).toContain("Environment=AIMS_PORT_RANGE=53800-53849\n");
    expect(r.stdout).not.toContain(masterKey);
    expect(r.stdout).toContain(`EnvironmentFile=${join(install.dataDir, "service.env")}\n`);
    expect(r.stderr).toMatch(/AIMS_MASTER_KEY is a secret and not in the unit/);
  });

  it("install writes the unit and the master key to a file only root can read", async () => {
    const unitDir = mkdtempSync(join(tmpdir(), "aims-unit-"));
    const r = await install.run(["service", "install", "--unit-dir", unitDir, "--no-enable"], extra);
    expect(r.code, r.stderr).toBe(0);
    const unit = join(unitDir, "aims.service");
    expect(readFileSync(unit, "utf8")).toContain("Environment=AIMS_PROXY_TLS_PORT=28443\n");
    expect(statSync(unit).mode & 0o777).toBe(0o644);
    const secrets = join(install.dataDir, "service.env");
    expect(readFileSync(secrets, "utf8")).toBe(`AIMS_MASTER_KEY=${masterKey}\n`);
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(r.stdout).toMatch(/with AIMS_PORT_RANGE, .*AIMS_PROXY_CERT_DIR.* from this environment/);
  });
});

describe("on a deployed instance", () => {
  let port: number;
  beforeAll(async () => {
    const view = await install.json<{ ports: Array<{ hostPort: number }> }>([
      "deploy",
      "static-site",
      "--tenant",
      "acme",
      "--name",
      "web",
    ]);
    port = view.ports[0]!.hostPort;
    await get(`http://127.0.0.1:${port}/`);
  });

  it("--tail 0 starts at the end and --tail 1 shows one line, as the API's tail does", async () => {
    const all = await install.run(["logs", "web", "--tenant", "acme"]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^web-1 \| /);
    const none = await install.run(["logs", "web", "--tenant", "acme", "--tail", "0"]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe("");
    const one = await install.run(["logs", "web", "--tenant", "acme", "--tail", "1"]);
    expect(one.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("refuses --memory 1k before anything changes, with the engine's minimum", async () => {
    const r = await install.run(["update", "web", "--tenant", "acme", "--memory", "1k"]);
    expectRefusal(r, "--memory");
    expect(r.stderr).toMatch(/at least 6m/);
    const history = await install.json<{ revisions: unknown[] }>(["history", "web", "--tenant", "acme"]);
    expect(history.revisions).toHaveLength(1);
  });

  it("secrets show on an instance without secrets says so, without a warning or an audit entry", async () => {
    const r = await install.run(["secrets", "show", "web", "--tenant", "acme", "--yes-show-secrets"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("acme/web has no secrets\n");
    expect(r.stderr).not.toMatch(/warning/);
    const viewed = await install.run(["events", "--type", "instance.secrets_viewed", "--json"]);
    expect(viewed.stdout).toBe("");
  });
});

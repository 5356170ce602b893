import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { FLAG_SCHEMAS, parseFlags } from "./flags.js";

/** A program like aims's: a root flag, and a command with a number, a size, a repeatable pair and a list. */
function parsed(args: string[]) {
  let seen: Record<string, unknown> = {};
  const program = new Command("aims")
    .exitOverride()
    .option("-d, --data-dir <dir>", "data directory")
    .hook("preAction", (_program, action) => parseFlags(action));
  program
    .command("update <instance>")
    .requiredOption("-t, --tenant <tenant>", "tenant")
    .option("--tail <n>", "lines", "200")
    .option("--memory <size>", "memory")
    .option("--set <KEY=VALUE>", "answers", (v: string, prev: string[]) => [...prev, v], [])
    .option("--only <groups>", "groups")
    .option("--json", "json")
    .action(function (this: Command) {
      seen = { ...this.optsWithGlobals() };
    });
  return program.parseAsync(["node", "aims", ...args]).then(() => seen);
}

describe("parseFlags", () => {
  it("hands the action each value as its schema parsed it, defaults included", async () => {
    expect(
      await parsed([
        "update",
        "web",
        "-t",
        "acme",
        "--memory",
        "256m",
        "--set",
        "A=1",
        "--set",
        "B=",
        "--only",
        "base, plugs",
        "--json",
      ]),
    ).toEqual({
      tenant: "acme",
      tail: 200,
      memory: 256 * 1024 ** 2,
      set: ["A=1", "B="],
      only: ["base", "plugs"],
      json: true,
    });
  });

  it.each([
    [["update", "web", "-t", "Acme"], "--tenant must be a DNS label"],
    [["update", "web", "-t", "acme", "--tail", "-5"], "--tail must be a whole number from 0 to 10000"],
    [["update", "web", "-t", "acme", "--memory", "1k"], "--memory must be a size of at least 6m"],
    [["update", "web", "-t", "acme", "--set", "A=1", "--set", "B"], "--set must be KEY=VALUE"],
    [["update", "web", "-t", "acme", "--only", "base,nope"], "--only must be one of: base, plugs"],
    [["--data-dir", "", "update", "web", "-t", "acme"], "--data-dir must be a directory"],
  ])("refuses %j naming the flag", async (args, message) => {
    await expect(parsed(args)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining(message),
    });
  });

  it("keys every schema by a long flag", () => {
    expect(Object.keys(FLAG_SCHEMAS).every((flag) => /^--[a-z][a-z-]*$/.test(flag))).toBe(true);
  });
});

import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "./program.js";

const names = (program: Command) => program.commands.map((c) => c.name());

/** The whole tree as text: every command's path, arguments and flags, so two builds can be compared whole. */
function outline(command: Command, path = "aims"): string[] {
  const here = `${path} ${command.registeredArguments.map((a) => a.name()).join(" ")} ${command.options
    .map((o) => o.flags)
    .join(" ")}`;
  return [here, ...command.commands.flatMap((c) => outline(c, `${path} ${c.name()}`))];
}

const everything = buildProgram();
const argv = (...args: string[]) => ["node", "aims", ...args];

describe("buildProgram", () => {
  it("builds, for a command line that names a command, only its registration, each command as the whole program has it", () => {
    for (const word of new Set(names(everything))) {
      const built = buildProgram(argv(word, "--json"));
      expect(names(built), word).toContain(word);
      // Not the whole program: every word is listed with its registration (lifecycle registers five).
      expect(built.commands.length, word).toBeLessThanOrEqual(5);
      for (const command of built.commands) {
        const whole = everything.commands.find((c) => c.name() === command.name())!;
        expect(outline(command), word).toEqual(outline(whole));
      }
    }
  });

  it("reads the command after the root's own options", () => {
    expect(names(buildProgram(argv("-d", "/tmp/x", "--config=/tmp/c.yaml", "-v", "ps")))).toEqual(["ps"]);
    expect(names(buildProgram(argv("--data-dir", "/tmp/x", "tenant", "plan", "a", "b")))).toEqual(["tenant"]);
  });

  it("builds no command for `aims --version`", () => {
    expect(names(buildProgram(argv("--version")))).toEqual([]);
    expect(names(buildProgram(argv("-v", "-V")))).toEqual([]);
  });

  it.each([[[]], [["--help"]], [["help", "ps"]], [["bogus"]], [["-h", "ps"]], [["--", "ps"]]])(
    "builds every command for %j (help, and did-you-mean for a typo)",
    (args) => {
      expect(names(buildProgram(argv(...args)))).toEqual(names(everything));
    },
  );
});

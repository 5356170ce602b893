import type { Command } from "commander";

/** `aims history`: the revisions of an instance and its last failure. */
export function registerHistory(program: Command): void {
  program
    .command("history <instance>")
    .description(
      "revisions of an instance: what changed, who, when, and whether each became healthy, failed or was rolled back",
    )
    .requiredOption("-t, --tenant <tenant>", "the instance's tenant")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: { tenant: string; json?: boolean }) {
      const { runHistory } = await import("../actions/history.js");
      await runHistory(this, name, opts);
    });
}

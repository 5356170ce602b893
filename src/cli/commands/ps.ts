import type { Command } from "commander";

/** `aims ps`: instances with their state and URLs. */
export function registerPs(program: Command): void {
  program
    .command("ps")
    .description("list instances")
    .option("-t, --tenant <tenant>", "only this tenant's instances")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant?: string; json?: boolean }) {
      const { runPs } = await import("../actions/ps.js");
      await runPs(this, opts);
    });
}

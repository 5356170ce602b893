import type { Command } from "commander";

/** `aims rm`: decommission an instance (asks first on a terminal unless --yes). */
export function registerRm(program: Command): void {
  program
    .command("rm <instance>")
    .description("remove an instance: containers, network, ports, and volumes unless --keep-volumes")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--keep-volumes", "keep the instance's data volumes")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts) {
      const { runRemove } = await import("../actions/rm.js");
      await runRemove(this, name, opts);
    });
}

import type { Command } from "commander";

/** `aims logs`: an instance's container logs, each line prefixed with its service. */
export function registerLogs(program: Command): void {
  program
    .command("logs <instance>")
    .description("show an instance's logs (all services)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("-f, --follow", "keep streaming new lines")
    .option("--tail <n>", "lines per container to start from", "200")
    .action(async function (this: Command, name: string, opts) {
      const { runLogs } = await import("../actions/logs.js");
      await runLogs(this, name, opts);
    });
}

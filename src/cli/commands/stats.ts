import type { Command } from "commander";

/** `aims stats`: what instances use (CPU, memory, network, block I/O, pids), like `docker stats`. */
export function registerStats(program: Command): void {
  program
    .command("stats [instance]")
    .description("resource use per service and replica (all the tenant's instances without <instance>)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("-f, --follow", "keep the table live (Ctrl-C to stop)")
    .option("--recommend", "suggest CPU and memory limits from the use observed (up to 7 days)")
    .option("--json", "machine-readable output (with --follow: one JSON array per line)")
    .action(async function (this: Command, instance: string | undefined, opts) {
      const { runStats } = await import("../actions/stats.js");
      await runStats(this, instance, opts);
    });
}

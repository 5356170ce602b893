import type { Command } from "commander";

const collect = (v: string, prev: string[]) => [...prev, v];

/** `aims update <instance>`: a new revision, rolled back automatically if it never becomes healthy. */
export function registerUpdate(program: Command): void {
  program
    .command("update <instance>")
    .description("change inputs, images, limits or plug version as a new revision (rolled back if unhealthy)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--set <KEY=VALUE>", "new answer to a plug input (repeatable)", collect, [])
    .option(
      "--image <service=image:tag>",
      "run a service from another pinned image (repeatable)",
      collect,
      [],
    )
    .option("-s, --service <service>", "service the limits apply to (default: all)")
    .option("--cpu <cores>", "CPU limit")
    .option("--memory <size>", "memory limit, e.g. 256m")
    .option("--pids <n>", "process limit")
    .option("--to-catalog-version", "move to the catalog's current version of the plug")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts) {
      const { runUpdate } = await import("../actions/update.js");
      await runUpdate(this, name, opts);
    });
}

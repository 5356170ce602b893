import type { Command } from "commander";

/** `aims scale <instance> --tenant T --replicas N [--service S]`. */
export function registerScale(program: Command): void {
  program
    .command("scale <instance>")
    .description(
      "run N replicas of a stateless service (each public port of each replica gets its own host port)",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .requiredOption("-r, --replicas <n>", "replica count")
    .option("-s, --service <service>", "service to scale (default: the plug's only stateless service)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts) {
      const { runScale } = await import("../actions/scale.js");
      await runScale(this, name, opts);
    });
}

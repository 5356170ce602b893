import type { Command } from "commander";

/** `aims deploy <plug>`: deploy a plug for a tenant, or print its plan with --dry-run. */
export function registerDeploy(program: Command): void {
  program
    .command("deploy <plug>")
    .description("deploy a plug for a tenant and wait until it is healthy")
    .requiredOption("-t, --tenant <tenant>", "tenant name (created on first deploy)")
    .requiredOption("-n, --name <name>", "instance name (DNS label)")
    .option(
      "--set <KEY=VALUE>",
      "answer a plug input (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option(
      "--dry-run",
      "print the plan (networks, volumes, containers, ports, limits, secret names) and change nothing",
    )
    .option(
      "--reuse-volumes <kept-id|name>",
      "mount kept volumes (`aims volumes list`; an id, or the instance name they were kept from) with the secrets their data was written with (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option("--wait", "wait until the instance is healthy (the default; kept for scripts)")
    .option("--json", "machine-readable output")
    .option("--no-input", "never ask questions on a terminal: use --set answers and defaults only")
    .action(async function (this: Command, plug: string, opts) {
      const { runDeploy } = await import("../actions/deploy.js");
      await runDeploy(this, plug, opts);
    });
}

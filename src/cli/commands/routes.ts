import type { Command } from "commander";

/** `aims routes`: what the reverse proxy routes where. */
export function registerRoutes(program: Command): void {
  program
    .command("routes")
    .description("list the reverse proxy's routes: host names, paths, state and replicas of each instance")
    .option("-t, --tenant <tenant>", "only this tenant's routes")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant?: string; json?: boolean }) {
      const { runRoutes } = await import("../actions/routes.js");
      await runRoutes(this, opts);
    });
}

/** `aims domain add|rm <instance> <host> --tenant T`: custom domains of an instance. */
export function registerDomain(program: Command): void {
  const domain = program
    .command("domain")
    .description("custom domains an instance answers at through the proxy");
  for (const verb of ["add", "rm"] as const) {
    domain
      .command(`${verb} <instance> <host>`)
      .description(
        verb === "add" ? "route a host name to an instance" : "stop routing a host name to an instance",
      )
      .requiredOption("-t, --tenant <tenant>", "tenant name")
      .option("--json", "machine-readable output")
      .action(async function (
        this: Command,
        name: string,
        host: string,
        opts: { tenant: string; json?: boolean },
      ) {
        const { runDomainChange } = await import("../actions/routes.js");
        await runDomainChange(this, verb, name, host, opts);
      });
  }
}

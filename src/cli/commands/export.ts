import type { Command } from "commander";

/**
 * `aims export <instance>`: the instance as a self-hosting bundle (docker-compose.yml, images, setup.sh, …) that
 * runs on a plain Docker host without AIMS. Secrets go in only with --include-secrets, after asking, audited.
 */
export function registerExport(program: Command): void {
  program
    .command("export <instance>")
    .description(
      "write a running instance as a bundle that runs on any Docker host: docker-compose.yml, images, setup.sh, data",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("-o, --out <path>", "a new directory, or a .tar.gz file (default: ./<tenant>-<instance>.tar.gz)")
    .option("--with-data", "copy the instance's volumes (each service paused while its volumes are copied)")
    .option(
      "--include-secrets",
      "write the instance's real secrets into the bundle's .env (asks first; audited)",
    )
    .option("-y, --yes", "do not ask before including secrets")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts) {
      const { runExport } = await import("../actions/export.js");
      await runExport(this, name, opts);
    });
}

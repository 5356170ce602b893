import type { Command } from "commander";

/**
 * `aims plug import|list|show|rm`: a tenant's private plugs, made from its own docker-compose.yml and deployed
 * with `aims deploy <name> --tenant T` like a catalog plug. On the AIMS host only in this release (the API has
 * the same routes under /v1/tenants/{t}/plugs).
 */
export function registerPlug(program: Command): void {
  const plug = program
    .command("plug")
    .description("a tenant's private plugs, imported from Docker Compose files: import, list, show, rm");
  plug
    .command("import <file>")
    .description(
      "import a docker-compose.yml (or - for stdin) as the tenant's private plug; its env files and .env go with it; re-importing makes a new version",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--name <name>", "the plug's name (default: the file's top-level name:)")
    .option("--dry-run", "translate and report only; store nothing")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, file: string, opts) {
      const { runPlugImport } = await import("../actions/plug.js");
      await runPlugImport(this, file, opts);
    });
  plug
    .command("list")
    .description("the tenant's private plugs (newest version of each)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts) {
      const { runPlugList } = await import("../actions/plug.js");
      await runPlugList(this, opts);
    });
  plug
    .command("show <name>")
    .description("one private plug: inputs, services, versions, and what the import changed or ignored")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts) {
      const { runPlugShow } = await import("../actions/plug.js");
      await runPlugShow(this, name, opts);
    });
  plug
    .command("rm <name>")
    .description("remove a private plug, every version (instances deployed from it keep running)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts) {
      const { runPlugRemove } = await import("../actions/plug.js");
      await runPlugRemove(this, name, opts);
    });
}

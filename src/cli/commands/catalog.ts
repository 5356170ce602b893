import type { Command } from "commander";

/** `aims catalog list|show`: what can be deployed, and what each plug asks for. */
export function registerCatalog(program: Command): void {
  const catalog = program.command("catalog").description("browse the plug catalog");
  catalog
    .command("list")
    .description("list plugs")
    .option("--category <category>", "only plugs of this category (tool, agent, platform, bot, database)")
    .option("--search <words>", "only plugs whose id, name, description, tags or images contain every word")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts) {
      const { runCatalogList } = await import("../actions/catalog.js");
      await runCatalogList(this, opts);
    });
  catalog
    .command("show <plug>")
    .description("show a plug: services, ports, volumes, inputs and generated secrets")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, id: string, opts: { json?: boolean }) {
      const { runCatalogShow } = await import("../actions/catalog.js");
      await runCatalogShow(this, id, opts);
    });
}

import type { Command } from "commander";

/**
 * `aims tenant plan <tenant> <plan> [--force]` and `aims tenant show <tenant>`: a tenant's plan and what it uses
 * of it. Registers its own `tenant` group, or adds to the one already registered.
 */
export function registerTenantPlan(program: Command): void {
  const tenant =
    program.commands.find((c) => c.name() === "tenant") ??
    program.command("tenant").description("tenants: their plans and what they use");
  tenant
    .command("plan <tenant> <plan>")
    .description(
      "move a tenant to another plan (operator); one its use is over is refused unless --force, which keeps what runs and refuses growth until it is within the plan",
    )
    .option("--force", "move even when the tenant uses more than the plan allows")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      name: string,
      plan: string,
      opts: { force?: boolean; json?: boolean },
    ) {
      const { runTenantPlan } = await import("../actions/tenantPlan.js");
      await runTenantPlan(this, name, plan, opts);
    });
  tenant
    .command("show <tenant>")
    .description("a tenant's status, plan, limits and what it uses of them")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: { json?: boolean }) {
      const { runTenantShow } = await import("../actions/tenantPlan.js");
      await runTenantShow(this, name, opts);
    });
}

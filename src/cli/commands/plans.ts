import type { Command } from "commander";

/** `aims plans list`: the plans a tenant can be on (docs/plans.md). */
export function registerPlans(program: Command): void {
  const plans = program.command("plans").description("the plans a tenant can be on: limits, features, price");
  plans
    .command("list")
    .description("every plan of this install, the default one marked")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const { runPlansList } = await import("../actions/plans.js");
      await runPlansList(this, opts);
    });
}

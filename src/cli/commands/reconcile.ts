import type { Command } from "commander";

/** `aims reconcile`: converge every instance to its desired state now, remove orphans, release leaked ports. */
export function registerReconcile(program: Command): void {
  program
    .command("reconcile")
    .description(
      "make the engine match the store now: resume interrupted operations, restart crashed containers, remove orphans",
    )
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const { runReconcile } = await import("../actions/reconcile.js");
      await runReconcile(this, opts);
    });
}

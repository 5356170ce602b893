import type { Command } from "commander";
import { reconcileAll } from "../../lifecycle/reconcileAll.js";
import { printJson, progressFor, withPlatform } from "../context.js";

/** `aims reconcile`: converge every instance to its desired state now, remove orphans, release leaked ports. */
export function registerReconcile(program: Command): void {
  program
    .command("reconcile")
    .description(
      "make the engine match the store now: resume interrupted operations, restart crashed containers, remove orphans",
    )
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const report = await withPlatform(this, async (p) => {
        const reconciler = await p.reconciler();
        await reconciler.runtime.ping();
        return reconcileAll(reconciler, progressFor(this), { mode: "wait" });
      });
      if (opts.json) {
        printJson(report);
        return;
      }
      const o = report.orphans;
      process.stdout.write(
        `reconciled ${report.instances} instance(s) in ${Math.round(report.durationMs)} ms: ${report.acted.length} needed work, ` +
          `${o.containers + o.networks + o.volumes} orphan(s) removed, ${report.releasedAllocations} leaked port(s) released\n`,
      );
      for (const line of report.acted) process.stdout.write(`  ${line}\n`);
    });
}

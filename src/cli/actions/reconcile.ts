import type { Command } from "commander";
import { reconcileAll } from "../../lifecycle/reconcileAll.js";
import { progressFor, withPlatform } from "../context.js";
import { printJson } from "../output.js";

/** `aims reconcile`: one full pass, waiting for what it starts; prints what needed work. */
export async function runReconcile(cmd: Command, opts: { json?: boolean }): Promise<void> {
  const report = await withPlatform(cmd, async (p) => {
    const reconciler = await p.reconciler();
    await reconciler.runtime.ping();
    return reconcileAll(reconciler, progressFor(cmd), { mode: "wait" });
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
}

import type { Command } from "commander";

/** `aims serve`: the control plane — the HTTP API and the reconciler loop; stops cleanly on SIGTERM / SIGINT. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "run the control plane: the HTTP API and the reconciler loop (heals crashes and drift, removes orphans)",
    )
    .option("--no-api", "run only the reconciler")
    .action(async function (this: Command, opts: { api: boolean }) {
      const { runServe } = await import("../actions/serve.js");
      await runServe(this, opts);
    });
}

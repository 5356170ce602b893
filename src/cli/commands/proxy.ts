import type { Command } from "commander";

const VERBS = {
  status: "whether this install's nginx runs: pid, generation served, listen address, route count",
  start: "start the proxy if it is not running and make it serve the store's routes (idempotent)",
  stop: "stop this install's nginx; the next change, `aims reconcile` or `aims serve` starts it again",
} as const;

/**
 * `aims proxy status|start|stop`: AIMS's own nginx, which keeps serving routes after `aims serve` stops (by
 * design). Host only.
 */
export function registerProxy(program: Command): void {
  const proxy = program.command("proxy").description("AIMS's own reverse proxy (nginx) on this host");
  for (const verb of Object.keys(VERBS) as Array<keyof typeof VERBS>) {
    proxy
      .command(verb)
      .description(VERBS[verb])
      .option("--json", "machine-readable output")
      .action(async function (this: Command, opts: { json?: boolean }) {
        const { runProxy } = await import("../actions/proxy.js");
        await runProxy(this, verb, opts);
      });
  }
}

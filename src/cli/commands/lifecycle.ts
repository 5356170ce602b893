import type { Command } from "commander";

const ACTIONS = {
  stop: "stop an instance's containers (data and ports kept)",
  start: "start a stopped (or failed) instance and wait until it is healthy",
  restart: "restart an instance's containers and wait until healthy",
  suspend: "suspend an instance (operator action: stopped, data kept, tenant cannot start it)",
  resume: "resume a suspended instance and wait until healthy",
} as const;

/** `aims stop|start|restart|suspend|resume <instance> --tenant T`. */
export function registerLifecycle(program: Command): void {
  for (const action of Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>) {
    program
      .command(`${action} <instance>`)
      .description(ACTIONS[action])
      .requiredOption("-t, --tenant <tenant>", "tenant name")
      .option("--json", "machine-readable output")
      .action(async function (this: Command, name: string, opts: { tenant: string; json?: boolean }) {
        const { runStateChange } = await import("../actions/lifecycle.js");
        await runStateChange(this, action, name, opts);
      });
  }
}

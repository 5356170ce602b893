import type { Command } from "commander";
import { withClient } from "../client/withClient.js";
import { printJson, progressFor } from "../context.js";
import { printInstance } from "../printInstance.js";

const ACTIONS = {
  stop: ["stop an instance's containers (data and ports kept)", "stopped"],
  start: ["start a stopped (or failed) instance and wait until it is healthy", "started"],
  restart: ["restart an instance's containers and wait until healthy", "restarted"],
  suspend: ["suspend an instance (operator action: stopped, data kept, tenant cannot start it)", "suspended"],
  resume: ["resume a suspended instance and wait until healthy", "resumed"],
} as const;

/** `aims stop|start|restart|suspend|resume <instance> --tenant T`. */
export function registerLifecycle(program: Command): void {
  for (const [action, [description, verb]] of Object.entries(ACTIONS)) {
    program
      .command(`${action} <instance>`)
      .description(description)
      .requiredOption("-t, --tenant <tenant>", "tenant name")
      .option("--json", "machine-readable output")
      .action(async function (this: Command, name: string, opts: { tenant: string; json?: boolean }) {
        const view = await withClient(this, (client) =>
          client.changeState(
            { tenant: opts.tenant, name, action: action as keyof typeof ACTIONS },
            progressFor(this),
          ),
        );
        if (opts.json) printJson(view);
        else printInstance(verb, view);
      });
  }
}

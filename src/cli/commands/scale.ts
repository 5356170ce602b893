import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { withClient } from "../client/withClient.js";
import { printJson, progressFor } from "../context.js";
import { printInstance } from "../printInstance.js";

/** `aims scale <instance> --tenant T --replicas N [--service S]`. */
export function registerScale(program: Command): void {
  program
    .command("scale <instance>")
    .description(
      "run N replicas of a stateless service (each public port of each replica gets its own host port)",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .requiredOption("-r, --replicas <n>", "replica count")
    .option("-s, --service <service>", "service to scale (default: the plug's only stateless service)")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      name: string,
      opts: { tenant: string; replicas: string; service?: string; json?: boolean },
    ) {
      if (!/^\d+$/.test(opts.replicas))
        throw new AimsError("invalid_input", `--replicas must be a whole number, got "${opts.replicas}"`);
      const view = await withClient(this, (client) =>
        client.scale(
          {
            tenant: opts.tenant,
            name,
            replicas: Number(opts.replicas),
            ...(opts.service ? { service: opts.service } : {}),
          },
          progressFor(this),
        ),
      );
      if (opts.json) printJson(view);
      else printInstance("scaled", view);
    });
}

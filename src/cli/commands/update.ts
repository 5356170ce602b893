import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { parseSetPairs } from "../../domain/inputs.js";
import { withClient } from "../client/withClient.js";
import { printJson, progressFor } from "../context.js";
import { printInstance } from "../printInstance.js";

interface UpdateOptions {
  tenant: string;
  set: string[];
  image: string[];
  service?: string;
  cpu?: string;
  memory?: string;
  pids?: string;
  toCatalogVersion?: boolean;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new AimsError("invalid_input", `${flag} must be a number, got "${value}"`);
  return n;
}

/** `aims update <instance>`: a new revision, rolled back automatically if it never becomes healthy. */
export function registerUpdate(program: Command): void {
  program
    .command("update <instance>")
    .description("change inputs, images, limits or plug version as a new revision (rolled back if unhealthy)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--set <KEY=VALUE>", "new answer to a plug input (repeatable)", collect, [])
    .option(
      "--image <service=image:tag>",
      "run a service from another pinned image (repeatable)",
      collect,
      [],
    )
    .option("-s, --service <service>", "service the limits apply to (default: all)")
    .option("--cpu <cores>", "CPU limit")
    .option("--memory <size>", "memory limit, e.g. 256m")
    .option("--pids <n>", "process limit")
    .option("--to-catalog-version", "move to the catalog's current version of the plug")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: UpdateOptions) {
      const images = parseSetPairs(opts.image);
      const cpu = number("--cpu", opts.cpu);
      const pids = number("--pids", opts.pids);
      const view = await withClient(this, (client) =>
        client.update(
          {
            tenant: opts.tenant,
            name,
            set: parseSetPairs(opts.set),
            images,
            ...(opts.service ? { service: opts.service } : {}),
            ...(cpu !== undefined ? { cpu } : {}),
            ...(opts.memory ? { memory: opts.memory } : {}),
            ...(pids !== undefined ? { pids } : {}),
            toCatalogVersion: Boolean(opts.toCatalogVersion),
          },
          progressFor(this),
        ),
      );
      if (opts.json) printJson(view);
      else printInstance("updated", view);
    });
}

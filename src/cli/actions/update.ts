import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { parseSetPairs } from "../../domain/inputs.js";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson } from "../output.js";
import { printInstance } from "../printInstance.js";

export interface UpdateOptions {
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

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new AimsError("invalid_input", `${flag} must be a number, got "${value}"`);
  return n;
}

/** `aims update <instance>`: a new revision from the flags; prints the instance once it settled. */
export async function runUpdate(cmd: Command, name: string, opts: UpdateOptions): Promise<void> {
  const images = parseSetPairs(opts.image);
  const cpu = number("--cpu", opts.cpu);
  const pids = number("--pids", opts.pids);
  const view = await withClient(cmd, (client) =>
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
      progressFor(cmd),
    ),
  );
  if (opts.json) printJson(view);
  else printInstance("updated", view);
}

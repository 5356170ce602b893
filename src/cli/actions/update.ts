import type { Command } from "commander";
import { parseSetPairs } from "../../domain/inputs.js";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson } from "../output.js";
import { printInstance } from "../printInstance.js";

/** The flags of `aims update`, as src/cli/flags.ts parsed them: limits are numbers, memory in bytes. */
export interface UpdateOptions {
  tenant: string;
  set: string[];
  image: string[];
  service?: string;
  cpu?: number;
  memory?: number;
  pids?: number;
  toCatalogVersion?: boolean;
  json?: boolean;
}

/** `aims update <instance>`: a new revision from the flags; prints the instance once it settled. */
export async function runUpdate(cmd: Command, name: string, opts: UpdateOptions): Promise<void> {
  const images = parseSetPairs(opts.image);
  const view = await withClient(cmd, (client) =>
    client.update(
      {
        tenant: opts.tenant,
        name,
        set: parseSetPairs(opts.set),
        images,
        ...(opts.service ? { service: opts.service } : {}),
        ...(opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
        ...(opts.memory !== undefined ? { memory: opts.memory } : {}),
        ...(opts.pids !== undefined ? { pids: opts.pids } : {}),
        toCatalogVersion: Boolean(opts.toCatalogVersion),
      },
      progressFor(cmd),
    ),
  );
  if (opts.json) printJson(view);
  else printInstance("updated", view);
}

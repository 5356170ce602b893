import type { Command } from "commander";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson } from "../output.js";
import { printInstance } from "../printInstance.js";

/** The flags of `aims scale`, as src/cli/flags.ts parsed them. */
export interface ScaleOptions {
  tenant: string;
  replicas: number;
  service?: string;
  json?: boolean;
}

/** `aims scale <instance>`: sets a service's replica count and prints the instance. */
export async function runScale(cmd: Command, name: string, opts: ScaleOptions): Promise<void> {
  const view = await withClient(cmd, (client) =>
    client.scale(
      {
        tenant: opts.tenant,
        name,
        replicas: opts.replicas,
        ...(opts.service ? { service: opts.service } : {}),
      },
      progressFor(cmd),
    ),
  );
  if (opts.json) printJson(view);
  else printInstance("scaled", view);
}

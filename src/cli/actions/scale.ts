import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { withClient } from "../client/withClient.js";
import { progressFor } from "../context.js";
import { printJson } from "../output.js";
import { printInstance } from "../printInstance.js";

export interface ScaleOptions {
  tenant: string;
  replicas: string;
  service?: string;
  json?: boolean;
}

/** `aims scale <instance>`: sets a service's replica count and prints the instance. */
export async function runScale(cmd: Command, name: string, opts: ScaleOptions): Promise<void> {
  if (!/^\d+$/.test(opts.replicas))
    throw new AimsError("invalid_input", `--replicas must be a whole number, got "${opts.replicas}"`);
  const view = await withClient(cmd, (client) =>
    client.scale(
      {
        tenant: opts.tenant,
        name,
        replicas: Number(opts.replicas),
        ...(opts.service ? { service: opts.service } : {}),
      },
      progressFor(cmd),
    ),
  );
  if (opts.json) printJson(view);
  else printInstance("scaled", view);
}

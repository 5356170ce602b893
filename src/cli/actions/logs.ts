import type { Command } from "commander";
import { withClient } from "../client/withClient.js";

/** The flags of `aims logs`, as src/cli/flags.ts parsed them. */
export interface LogsOptions {
  tenant: string;
  follow?: boolean;
  tail: number;
}

/**
 * `aims logs <instance>`: streams the instance's log lines to stdout until done or Ctrl-C with --follow,
 * which keeps following across restarts (a note on stderr says so) until the instance stops.
 */
export async function runLogs(cmd: Command, name: string, opts: LogsOptions): Promise<void> {
  const abort = new AbortController();
  process.once("SIGINT", () => abort.abort());
  await withClient(cmd, (client) =>
    client.streamLogs(
      {
        tenant: opts.tenant,
        name,
        follow: Boolean(opts.follow),
        tail: opts.tail,
      },
      (text) => process.stdout.write(text),
      (message) => process.stderr.write(`aims: ${message}\n`),
      abort.signal,
    ),
  );
}

import type { Command } from "commander";
import { withClient } from "../client/withClient.js";

export interface EventsOptions {
  tenant?: string;
  follow?: boolean;
  type?: string;
  json?: boolean;
}

/** `aims events`: prints the event log (one line or JSON object per event) until done or Ctrl-C with --follow. */
export async function runEvents(cmd: Command, opts: EventsOptions): Promise<void> {
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  await withClient(cmd, (client) =>
    client.streamEvents(
      {
        ...(opts.tenant ? { tenant: opts.tenant } : {}),
        ...(opts.type ? { typePrefix: opts.type } : {}),
        follow: Boolean(opts.follow),
      },
      (e) =>
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(e)}\n`
            : `${e.time}  ${e.type.padEnd(18)} ${e.subject ?? ""}  ${JSON.stringify(e.data)}\n`,
        ),
      stop.signal,
    ),
  );
}

import type { Command } from "commander";
import { withClient } from "../client/withClient.js";

/** `aims events`: the persisted event log, optionally followed. */
export function registerEvents(program: Command): void {
  program
    .command("events")
    .description("show the event log")
    .option("-t, --tenant <tenant>", "only this tenant's events")
    .option("-f, --follow", "keep printing new events")
    .option("--type <prefix>", "only events whose type starts with this (e.g. instance.)")
    .option("--json", "one JSON object per line")
    .action(async function (
      this: Command,
      opts: { tenant?: string; follow?: boolean; type?: string; json?: boolean },
    ) {
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      await withClient(this, (client) =>
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
    });
}

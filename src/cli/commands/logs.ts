import type { Command } from "commander";
import { withClient } from "../client/withClient.js";

/** `aims logs`: an instance's container logs, each line prefixed with its service. */
export function registerLogs(program: Command): void {
  program
    .command("logs <instance>")
    .description("show an instance's logs (all services)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("-f, --follow", "keep streaming new lines")
    .option("--tail <n>", "lines per container to start from", "200")
    .action(async function (
      this: Command,
      name: string,
      opts: { tenant: string; follow?: boolean; tail: string },
    ) {
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      await withClient(this, (client) =>
        client.streamLogs(
          {
            tenant: opts.tenant,
            name,
            follow: Boolean(opts.follow),
            tail: Number.parseInt(opts.tail, 10) || 200,
          },
          (text) => process.stdout.write(text),
          abort.signal,
        ),
      );
    });
}

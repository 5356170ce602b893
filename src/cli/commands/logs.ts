import type { Command } from "commander";
import { requireInstance } from "../../lifecycle/removeInstance.js";
import { LABEL } from "../../runtime/RuntimeDriver.js";
import { withPlatform } from "../context.js";

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
      await withPlatform(this, async (p) => {
        const { instance } = await requireInstance(p, opts.tenant, name);
        const { containers } = await p.driver.listManaged({
          [LABEL.installation]: p.store.installationId,
          [LABEL.instance]: instance.id,
        });
        const abort = new AbortController();
        process.once("SIGINT", () => abort.abort());
        const tail = Number.parseInt(opts.tail, 10) || 200;
        await Promise.all(
          containers.map(async (c) => {
            const prefix = `${c.labels[LABEL.service] ?? "?"}-${c.labels[LABEL.replica] ?? "1"} | `;
            let pending = "";
            for await (const chunk of p.driver.logs(c.id, {
              follow: Boolean(opts.follow),
              tail,
              signal: abort.signal,
            })) {
              const lines = (pending + chunk).split("\n");
              pending = lines.pop() ?? "";
              for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
            }
            if (pending) process.stdout.write(`${prefix}${pending}\n`);
          }),
        );
      });
    });
}

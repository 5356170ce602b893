import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { withClient } from "../client/withClient.js";
import { printJson, progressFor } from "../context.js";

/** `aims rm`: decommission an instance (asks first on a terminal unless --yes). */
export function registerRm(program: Command): void {
  program
    .command("rm <instance>")
    .description("remove an instance: containers, network, ports, and volumes unless --keep-volumes")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--keep-volumes", "keep the instance's data volumes")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      name: string,
      opts: { tenant: string; keepVolumes?: boolean; yes?: boolean; json?: boolean },
    ) {
      if (!opts.yes)
        await confirm(
          `remove ${opts.tenant}/${name}${opts.keepVolumes ? " (keeping volumes)" : " and its volumes"}?`,
        );
      const result = await withClient(this, (client) =>
        client.remove(
          { tenant: opts.tenant, name, keepVolumes: Boolean(opts.keepVolumes) },
          progressFor(this),
        ),
      );
      if (opts.json) return printJson(result);
      const r = result.removed;
      process.stdout.write(
        `removed ${result.tenant}/${result.name}: ${r.containers} container(s), ${r.networks} network(s), ${r.volumes} volume(s)\n`,
      );
      if (result.kept.length)
        process.stdout.write(
          `kept ${result.kept.length} volume(s): ${result.kept.join(", ")} (see \`aims volumes list --tenant ${result.tenant}\`; reuse with \`aims deploy … --reuse-volumes <id>\`)\n`,
        );
    });
}

async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new AimsError("invalid_input", "refusing to remove without --yes: no terminal to confirm on");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new AimsError("invalid_input", "cancelled");
}

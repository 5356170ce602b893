import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { showSecrets } from "../../secrets/showSecrets.js";
import { cliActor, hostOnly, printJson, printTable, withPlatform } from "../context.js";

interface ShowOptions {
  tenant: string;
  yesShowSecrets?: boolean;
  json?: boolean;
}

/**
 * `aims secrets show`: prints an instance's generated secrets and secret inputs in plain text. In this
 * CLI-only release "owners only" means whoever can run the CLI against this data dir and master key,
 * after an explicit confirmation (a terminal prompt or --yes-show-secrets); every view is audited.
 */
export function registerSecrets(program: Command): void {
  const secrets = program.command("secrets").description("an instance's secrets (audited)");
  secrets
    .command("show <instance>")
    .description("print an instance's secrets in plain text; asks first, warns, and writes an audit entry")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--yes-show-secrets", "do not ask: I mean to print the secrets in plain text")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, name: string, opts: ShowOptions) {
      hostOnly(this); // before asking anything: the API does not hand out secrets
      if (!opts.yesShowSecrets) await confirm(`print the secrets of ${opts.tenant}/${name} in plain text?`);
      const shown = await withPlatform(this, (p) => showSecrets(p, cliActor(), opts.tenant, name));
      process.stderr.write(
        "warning: secrets printed in plain text; this view is recorded in the audit log. Clear your scrollback.\n",
      );
      if (opts.json) return printJson({ tenant: opts.tenant, instance: name, secrets: shown });
      if (!shown.length) {
        process.stdout.write("this instance has no secrets\n");
        return;
      }
      printTable(
        ["KEY", "ORIGIN", "VALUE"],
        shown.map((s) => [s.key, s.origin, s.value]),
      );
    });
}

async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new AimsError(
      "invalid_input",
      "refusing to print secrets without --yes-show-secrets: no terminal to confirm on",
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new AimsError("invalid_input", "cancelled");
}

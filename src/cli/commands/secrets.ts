import type { Command } from "commander";

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
    .action(async function (this: Command, name: string, opts) {
      const { runShowSecrets } = await import("../actions/secrets.js");
      await runShowSecrets(this, name, opts);
    });
}

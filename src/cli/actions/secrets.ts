import type { Command } from "commander";
import { showSecrets } from "../../secrets/showSecrets.js";
import { cancelled, confirm } from "../confirm.js";
import { cliActor, hostOnly, withPlatform } from "../context.js";
import { printJson, printTable } from "../output.js";

export interface ShowSecretsOptions {
  tenant: string;
  yesShowSecrets?: boolean;
  json?: boolean;
}

/**
 * `aims secrets show <instance>`: asks first (unless --yes-show-secrets), prints the secrets and warns; an
 * instance without secrets is said to have none (nothing was shown, so nothing to warn about or audit).
 */
export async function runShowSecrets(cmd: Command, name: string, opts: ShowSecretsOptions): Promise<void> {
  hostOnly(cmd); // before asking anything: the API does not hand out secrets
  const question = `print the secrets of ${opts.tenant}/${name} in plain text?`;
  const withoutTerminal = "refusing to print secrets without --yes-show-secrets: no terminal to confirm on";
  if (!opts.yesShowSecrets && !(await confirm(question, withoutTerminal)))
    return cancelled(opts.json, "no secrets were printed");
  const shown = await withPlatform(cmd, (p) => showSecrets(p, cliActor(), opts.tenant, name));
  if (shown.length)
    process.stderr.write(
      "warning: secrets printed in plain text; this view is recorded in the audit log. Clear your scrollback.\n",
    );
  if (opts.json) return printJson({ tenant: opts.tenant, instance: name, secrets: shown });
  if (!shown.length) {
    process.stdout.write(`${opts.tenant}/${name} has no secrets\n`);
    return;
  }
  printTable(
    ["KEY", "ORIGIN", "VALUE"],
    shown.map((s) => [s.key, s.origin, s.value]),
  );
}

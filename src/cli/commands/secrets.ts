import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { instanceChange } from "../../lifecycle/changeRecord.js";
import { openAll } from "../../lifecycle/instanceSecrets.js";
import { requireInstance } from "../../lifecycle/removeInstance.js";
import type { Platform } from "../../platform.js";
import { listSecrets } from "../../store/instanceRepository.js";
import { recordChange } from "../../store/recordChange.js";
import { cliActor, hostOnly, printJson, printTable, withPlatform } from "../context.js";

interface ShowOptions {
  tenant: string;
  yesShowSecrets?: boolean;
  json?: boolean;
}

/** One decrypted secret of an instance. */
export interface ShownSecret {
  key: string;
  origin: string;
  value: string;
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
      const shown = await withPlatform(this, (p) => showSecrets(p, opts.tenant, name));
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

/** Decrypts an instance's secrets and records who viewed them (event + audit entry, one transaction). */
export async function showSecrets(p: Platform, tenantName: string, name: string): Promise<ShownSecret[]> {
  const { tenant, instance } = await requireInstance(p, tenantName, name);
  const rows = await listSecrets(p.store.db, instance.id);
  const values = openAll(p.masterKey, instance.id, rows);
  const shown = rows
    .map((r) => ({ key: r.key, origin: r.origin, value: values[r.key] ?? "" }))
    .sort((a, b) => a.key.localeCompare(b.key));
  await p.store.db.transaction().execute((trx) =>
    recordChange(
      trx,
      instanceChange(cliActor(), tenant, instance, {
        event: "instance.secrets_viewed",
        action: "instance.secrets.show",
        data: { keys: shown.map((s) => s.key) },
      }),
    ),
  );
  return shown;
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

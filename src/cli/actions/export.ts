import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { exportToPath } from "../../export/writeBundle.js";
import { findInstance } from "../../store/instanceRepository.js";
import { findTenantByName } from "../../store/tenantRepository.js";
import { cancelled, confirm } from "../confirm.js";
import { cliActor, configFrom, progressFor, withPlatform } from "../context.js";
import { printJson } from "../output.js";

/** The flags of `aims export`, as src/cli/flags.ts parsed them. */
export interface ExportCliOptions {
  tenant: string;
  out?: string;
  withData?: boolean;
  includeSecrets?: boolean;
  yes?: boolean;
  json?: boolean;
}

const SECRETS_WITHOUT_TERMINAL =
  "refusing to write secrets into the bundle without --yes: no terminal to confirm on";

/**
 * `aims export <instance>`: writes the bundle, with progress on stderr, and says where it is and what is in it. In
 * remote mode it downloads `GET …/export` into a .tar.gz (never with secrets: the API hands out none).
 */
export async function runExport(cmd: Command, name: string, opts: ExportCliOptions): Promise<void> {
  const config = configFrom(cmd);
  if (config.remote) {
    const { runRemoteExport } = await import("../client/remoteExport.js");
    return runRemoteExport(config.remote, name, opts, progressFor(cmd));
  }
  const question = `write the secrets of ${opts.tenant}/${name} in plain text into the bundle's .env?`;
  if (opts.includeSecrets && !opts.yes && !(await confirm(question, SECRETS_WITHOUT_TERMINAL)))
    return cancelled(opts.json, "nothing was exported");
  const out = opts.out ?? `${opts.tenant}-${name}.tar.gz`;
  const progress = progressFor(cmd);
  const summary = await withPlatform(cmd, async (p) => {
    const tenant = await findTenantByName(p.store.db, opts.tenant);
    const instance = tenant ? await findInstance(p.store.db, tenant.id, name) : undefined;
    if (!tenant || !instance)
      throw new AimsError(
        "not_found",
        `no instance ${name} for tenant ${opts.tenant} (see \`aims ps --tenant ${opts.tenant}\`)`,
      );
    await p.checkEngine();
    return exportToPath(
      await p.reconciler(),
      cliActor(),
      tenant,
      instance,
      { withData: Boolean(opts.withData), includeSecrets: Boolean(opts.includeSecrets) },
      out,
      progress,
    );
  });
  if (opts.json) return printJson(summary);
  if (summary.includesSecrets)
    process.stderr.write(
      "warning: the bundle's .env holds the instance's secrets in plain text; this export is in the audit log\n",
    );
  const mib = (summary.bytes / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `exported ${summary.tenant}/${summary.instance} to ${summary.path} (${mib} MiB: ${summary.images.saved.length} image(s) saved, ${summary.volumes.length} volume(s) copied)\n` +
      `run it on any Docker host: ${summary.path.endsWith("gz") ? `tar xzf ${summary.path} && ./${summary.project}/setup.sh` : `${summary.path}/setup.sh`}\n`,
  );
}

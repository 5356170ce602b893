import type { Command } from "commander";
import { withClient } from "../client/withClient.js";
import { cancelled, confirm, REMOVE_WITHOUT_TERMINAL } from "../confirm.js";
import { progressFor } from "../context.js";
import { printJson } from "../output.js";

export interface RemoveOptions {
  tenant: string;
  keepVolumes?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** `aims rm <instance>`: asks first (unless --yes), removes, prints what went; "no" removes nothing (exit 0). */
export async function runRemove(cmd: Command, name: string, opts: RemoveOptions): Promise<void> {
  const question = `remove ${opts.tenant}/${name}${opts.keepVolumes ? " (keeping volumes)" : " and its volumes"}?`;
  if (!opts.yes && !(await confirm(question, REMOVE_WITHOUT_TERMINAL)))
    return cancelled(opts.json, `${opts.tenant}/${name} was not removed`);
  const result = await withClient(cmd, (client) =>
    client.remove({ tenant: opts.tenant, name, keepVolumes: Boolean(opts.keepVolumes) }, progressFor(cmd)),
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
}

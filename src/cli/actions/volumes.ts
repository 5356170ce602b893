import type { Command } from "commander";
import { type KeptVolumeView, listKeptVolumes } from "../../lifecycle/listKeptVolumes.js";
import { removeKeptVolume } from "../../lifecycle/removeKeptVolume.js";
import { cancelled, confirm, REMOVE_WITHOUT_TERMINAL } from "../confirm.js";
import { cliActor, hostOnly, progressFor, withPlatform } from "../context.js";
import { printJson, printTable } from "../output.js";

/** `aims volumes list`: a tenant's kept volumes. */
export async function runVolumesList(cmd: Command, opts: { tenant: string; json?: boolean }): Promise<void> {
  const list = await withPlatform(cmd, (p) => listKeptVolumes(p, { tenant: opts.tenant }));
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(`no kept volumes for tenant ${opts.tenant}\n`);
    return;
  }
  printTable(["ID", "KEPT FROM", "PLUG", "VOLUME", "KEPT AT", "SECRETS", "STATE"], list.map(row));
}

/** `aims volumes rm <id>`: removes a kept volume and its data, after a confirmation ("no" is exit 0). */
export async function runVolumesRemove(
  cmd: Command,
  id: string,
  opts: { tenant: string; yes?: boolean; json?: boolean },
): Promise<void> {
  hostOnly(cmd);
  const question = `remove kept volume ${id} of tenant ${opts.tenant} and the data on it?`;
  if (!opts.yes && !(await confirm(question, REMOVE_WITHOUT_TERMINAL)))
    return cancelled(opts.json, `kept volume ${id} was not removed`);
  const removed = await withPlatform(cmd, (p) =>
    removeKeptVolume(p, { tenant: opts.tenant, id }, cliActor(), progressFor(cmd)),
  );
  if (opts.json) return printJson({ ...removed, removed: true });
  process.stdout.write(`removed kept volume ${removed.id} (${removed.dockerVolume}) and its data\n`);
}

function row(v: KeptVolumeView): string[] {
  return [
    v.id,
    v.keptFrom.name,
    v.plug,
    `${v.service}/${v.volume}${v.path ? ` (${v.path})` : ""}`,
    v.keptAt.replace("T", " ").slice(0, 19),
    v.secrets === null ? "not recorded" : v.secrets.join(",") || "none",
    v.state === "attached" ? `attached to ${v.attachedTo}` : v.state,
  ];
}

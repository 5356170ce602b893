import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { type KeptVolumeView, listKeptVolumes } from "../../lifecycle/listKeptVolumes.js";
import { removeKeptVolume } from "../../lifecycle/removeKeptVolume.js";
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

/** `aims volumes rm <id>`: removes a kept volume and its data, after a confirmation. */
export async function runVolumesRemove(
  cmd: Command,
  id: string,
  opts: { tenant: string; yes?: boolean; json?: boolean },
): Promise<void> {
  hostOnly(cmd);
  if (!opts.yes) await confirm(`remove kept volume ${id} of tenant ${opts.tenant} and the data on it?`);
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

async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY)
    throw new AimsError("invalid_input", "refusing to remove without --yes: no terminal to confirm on");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new AimsError("invalid_input", "cancelled");
}

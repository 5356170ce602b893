import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { type KeptVolumeView, listKeptVolumes } from "../../lifecycle/listKeptVolumes.js";
import { removeKeptVolume } from "../../lifecycle/removeKeptVolume.js";
import { cliActor, hostOnly, printJson, printTable, progressFor, withPlatform } from "../context.js";

/**
 * `aims volumes list|rm`: the volumes `aims rm --keep-volumes` kept, with their own ids (reuse them with
 * `aims deploy --reuse-volumes`). On the AIMS host only in this release: the API has no volume routes yet.
 */
export function registerVolumes(program: Command): void {
  const volumes = program
    .command("volumes")
    .description(
      "volumes kept by `aims rm --keep-volumes`: list or remove them; reuse with `deploy --reuse-volumes`",
    );
  volumes
    .command("list")
    .description(
      "a tenant's kept volumes: where they came from, what they hold, whether an instance mounts them",
    )
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { tenant: string; json?: boolean }) {
      const list = await withPlatform(this, (p) => listKeptVolumes(p, { tenant: opts.tenant }));
      if (opts.json) return printJson(list);
      if (!list.length) {
        process.stdout.write(`no kept volumes for tenant ${opts.tenant}\n`);
        return;
      }
      printTable(["ID", "KEPT FROM", "PLUG", "VOLUME", "KEPT AT", "SECRETS", "STATE"], list.map(row));
    });
  volumes
    .command("rm <id>")
    .description("remove a kept volume and the data on it (asks first on a terminal unless --yes)")
    .requiredOption("-t, --tenant <tenant>", "tenant name")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--json", "machine-readable output")
    .action(async function (
      this: Command,
      id: string,
      opts: { tenant: string; yes?: boolean; json?: boolean },
    ) {
      hostOnly(this);
      if (!opts.yes) await confirm(`remove kept volume ${id} of tenant ${opts.tenant} and the data on it?`);
      const removed = await withPlatform(this, (p) =>
        removeKeptVolume(p, { tenant: opts.tenant, id }, cliActor(), progressFor(this)),
      );
      if (opts.json) return printJson({ ...removed, removed: true });
      process.stdout.write(`removed kept volume ${removed.id} (${removed.dockerVolume}) and its data\n`);
    });
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

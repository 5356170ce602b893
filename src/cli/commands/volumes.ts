import type { Command } from "commander";

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
      const { runVolumesList } = await import("../actions/volumes.js");
      await runVolumesList(this, opts);
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
      const { runVolumesRemove } = await import("../actions/volumes.js");
      await runVolumesRemove(this, id, opts);
    });
}

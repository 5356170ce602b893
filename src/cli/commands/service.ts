import type { Command } from "commander";

/** `aims service install`: writes (and on a systemd host enables) aims.service. */
export function registerService(program: Command): void {
  const service = program.command("service").description("run AIMS as a system service");
  service
    .command("install")
    .description("write a systemd unit for `aims serve` so AIMS and its instances come back after a reboot")
    .option("--unit-dir <dir>", "where to write aims.service", "/etc/systemd/system")
    .option("--print", "print the unit instead of writing it")
    .option("--no-enable", "write the unit but do not enable/start it")
    .action(async function (this: Command, opts) {
      const { runServiceInstall } = await import("../actions/service.js");
      runServiceInstall(this, opts);
    });
}

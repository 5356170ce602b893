import type { Command } from "commander";

/** `aims doctor`: is this host ready to run plugs? */
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "check the engine, address pools, disk, file modes, ports, store, nginx and the host firewall (remote mode: the API's health, readiness and key)",
    )
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const { runDoctorCommand } = await import("../actions/doctor.js");
      await runDoctorCommand(this, opts);
    });
}

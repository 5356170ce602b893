import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE_ROOT } from "../../config.js";
import { hostOnly } from "../context.js";

/** The systemd unit that runs `aims serve` (and through it every instance) after a host reboot. */
export function renderUnit(options: {
  node: string;
  bin: string;
  dataDir: string;
  configFile?: string;
}): string {
  return [
    "[Unit]",
    "Description=AIMS control plane (reconciler)",
    "Documentation=file://" + join(PACKAGE_ROOT, "README.md"),
    "After=docker.service network-online.target",
    "Wants=docker.service network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${options.node} ${options.bin} serve`,
    `Environment=AIMS_DATA_DIR=${options.dataDir}`,
    ...(options.configFile ? [`Environment=AIMS_CONFIG=${options.configFile}`] : []),
    "Restart=always",
    "RestartSec=2",
    "KillSignal=SIGTERM",
    "TimeoutStopSec=45",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** `aims service install`: writes (and on a systemd host enables) aims.service. */
export function registerService(program: Command): void {
  const service = program.command("service").description("run AIMS as a system service");
  service
    .command("install")
    .description("write a systemd unit for `aims serve` so AIMS and its instances come back after a reboot")
    .option("--unit-dir <dir>", "where to write aims.service", "/etc/systemd/system")
    .option("--print", "print the unit instead of writing it")
    .option("--no-enable", "write the unit but do not enable/start it")
    .action(function (this: Command, opts: { unitDir: string; print?: boolean; enable: boolean }) {
      const config = hostOnly(this);
      const unit = renderUnit({
        node: process.execPath,
        bin: resolve(PACKAGE_ROOT, "bin", "aims.js"),
        dataDir: config.dataDir,
        ...(config.configFile ? { configFile: config.configFile } : {}),
      });
      if (opts.print) {
        process.stdout.write(unit);
        return;
      }
      mkdirSync(opts.unitDir, { recursive: true });
      const file = join(opts.unitDir, "aims.service");
      writeFileSync(file, unit, { mode: 0o644 });
      process.stdout.write(`wrote ${file}\n`);
      const systemd = existsSync("/run/systemd/system");
      if (opts.enable && systemd && resolve(opts.unitDir) === "/etc/systemd/system") {
        execFileSync("systemctl", ["daemon-reload"], { stdio: "inherit" });
        execFileSync("systemctl", ["enable", "--now", "aims.service"], { stdio: "inherit" });
        process.stdout.write("enabled and started aims.service\n");
      } else {
        process.stdout.write(
          "to enable it: systemctl daemon-reload && systemctl enable --now aims.service\n",
        );
      }
    });
}

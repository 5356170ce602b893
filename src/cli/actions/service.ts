import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE_ROOT } from "../../packageRoot.js";
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

export interface ServiceInstallOptions {
  unitDir: string;
  print?: boolean;
  enable: boolean;
}

/** `aims service install`: writes the unit (or prints it with --print) and enables it on a systemd host. */
export function runServiceInstall(cmd: Command, opts: ServiceInstallOptions): void {
  const config = hostOnly(cmd);
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
    process.stdout.write("to enable it: systemctl daemon-reload && systemctl enable --now aims.service\n");
  }
}

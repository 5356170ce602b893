import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { AimsConfig } from "../../config.js";
import { PACKAGE_ROOT } from "../../packageRoot.js";
import { hostOnly } from "../context.js";

/** A variable for the service: its name and the text it is set to. */
export type ServiceVariable = readonly [name: string, value: string];

/** Values systemd reads as they are; anything else is quoted (and `%`, its specifier mark, doubled). */
const PLAIN = /^[A-Za-z0-9_.,:/@+=-]*$/;

/** `Environment=NAME=value`, quoted the way systemd reads it back when the value needs it. */
function environmentLine([name, value]: ServiceVariable): string {
  if (PLAIN.test(value)) return `Environment=${name}=${value}`;
  const quoted = value
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("%", "%%");
  return `Environment="${name}=${quoted}"`;
}

/**
 * The node flags the service runs `aims serve` with: a young generation of at most 2 MiB per semi-space
 * instead of V8's 16, ~10-25 MiB less resident memory for more frequent (cheap) minor GCs (docs/operations.md,
 * "Memory").
 */
const SERVE_NODE_FLAGS = ["--max-semi-space-size=2"];

/**
 * The systemd unit that runs `aims serve` (and through it every instance) after a host reboot, with the
 * variables that configured this command (`environment`), and the file holding its secrets, if any.
 */
export function renderUnit(options: {
  node: string;
  bin: string;
  environment: readonly ServiceVariable[];
  secretsFile?: string;
}): string {
  return [
    "[Unit]",
    "Description=AIMS control plane (reconciler)",
    `Documentation=file://${join(PACKAGE_ROOT, "README.md")}`,
    "After=docker.service network-online.target",
    "Wants=docker.service network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${options.node} ${SERVE_NODE_FLAGS.join(" ")} ${options.bin} serve`,
    ...options.environment.map(environmentLine),
    ...(options.secretsFile ? [`EnvironmentFile=${options.secretsFile}`] : []),
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

/**
 * What the service needs to run with this command's settings: the data dir and config file it was given
 * (flag or variable), then every variable that set a setting, except the remote mode's and the tests' own.
 * Secrets (the master key) are kept apart: a unit is world-readable, so they go to a file of mode 0600.
 */
export function serviceEnvironment(config: AimsConfig): {
  variables: ServiceVariable[];
  secrets: ServiceVariable[];
} {
  const variables: ServiceVariable[] = [["AIMS_DATA_DIR", config.dataDir]];
  if (config.configFile) variables.push(["AIMS_CONFIG", resolve(config.configFile)]);
  const secrets: ServiceVariable[] = [];
  for (const setting of config.environment ?? []) {
    if (/^(dataDir|remote\.|testHooks\.)/.test(setting.path)) continue;
    (setting.secret ? secrets : variables).push([setting.name, setting.text]);
  }
  return { variables, secrets };
}

export interface ServiceInstallOptions {
  unitDir: string;
  print?: boolean;
  enable: boolean;
}

/** `aims service install`: writes the unit (or prints it with --print) and enables it on a systemd host. */
export function runServiceInstall(cmd: Command, opts: ServiceInstallOptions): void {
  const config = hostOnly(cmd);
  const { variables, secrets } = serviceEnvironment(config);
  const secretsFile = secrets.length ? join(config.dataDir, "service.env") : undefined;
  const unit = renderUnit({
    node: process.execPath,
    bin: resolve(PACKAGE_ROOT, "bin", "aims.js"),
    environment: variables,
    ...(secretsFile ? { secretsFile } : {}),
  });
  const carried = variables
    .slice(1)
    .map(([name]) => name)
    .join(", ");
  const secretNames = secrets.map(([name]) => name).join(", ");
  if (opts.print) {
    process.stdout.write(unit);
    if (secretsFile)
      process.stderr.write(
        `note: ${secretNames} is a secret and not in the unit: put it in ${secretsFile} (mode 0600, NAME=value lines), which the unit reads; \`aims service install\` without --print writes that file\n`,
      );
    return;
  }
  mkdirSync(opts.unitDir, { recursive: true });
  const file = join(opts.unitDir, "aims.service");
  writeFileSync(file, unit, { mode: 0o644 });
  process.stdout.write(`wrote ${file}${carried ? ` (with ${carried} from this environment)` : ""}\n`);
  if (secretsFile) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(secretsFile, secrets.map(([name, value]) => `${name}=${value}\n`).join(""), {
      mode: 0o600,
    });
    chmodSync(secretsFile, 0o600); // an older file keeps its mode otherwise
    process.stdout.write(`wrote ${secretNames} to ${secretsFile} (mode 0600), which the unit reads\n`);
  }
  const systemd = existsSync("/run/systemd/system");
  if (opts.enable && systemd && resolve(opts.unitDir) === "/etc/systemd/system") {
    execFileSync("systemctl", ["daemon-reload"], { stdio: "inherit" });
    execFileSync("systemctl", ["enable", "--now", "aims.service"], { stdio: "inherit" });
    process.stdout.write("enabled and started aims.service\n");
  } else {
    process.stdout.write("to enable it: systemctl daemon-reload && systemctl enable --now aims.service\n");
  }
}

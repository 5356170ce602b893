import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { createLogger } from "../../logger.js";
import { createFirewall, createRuntime } from "../../platform.js";
import { hostOnly } from "../context.js";
import { printJson } from "../output.js";

/** The host firewall of `aims firewall …`, for this host's engine. */
async function firewallFor(cmd: Command) {
  const config = hostOnly(cmd);
  const runtime = createRuntime(config);
  return createFirewall(config, () => runtime, createLogger(config.logLevel));
}

/** `aims firewall install`: installs or repairs the AIMS-INPUT chain and its jump from INPUT. */
export async function runFirewallInstall(cmd: Command, opts: { json?: boolean }): Promise<void> {
  const host = await firewallFor(cmd);
  let changed: string[];
  try {
    changed = await host.install();
  } catch (err) {
    throw new AimsError("unavailable", `cannot install the host firewall: ${(err as Error).message}`);
  }
  const report = await host.report();
  if (opts.json) printJson({ changed, ...report });
  else
    process.stdout.write(
      `${changed.length ? `installed ${changed.join(", ")}` : "already in place"}: ${report.detail}\n`,
    );
}

/** `aims firewall remove`: removes the AIMS-INPUT chain and its jump. */
export async function runFirewallRemove(cmd: Command): Promise<void> {
  const removed = await (await firewallFor(cmd)).remove();
  process.stdout.write(
    removed ? "removed the AIMS-INPUT chain and its jump from INPUT\n" : "no AIMS-INPUT chain on this host\n",
  );
}

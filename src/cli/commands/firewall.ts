import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { createLogger } from "../../logger.js";
import { createFirewall, createRuntime } from "../../platform.js";
import { hostOnly, printJson } from "../context.js";

/** The host firewall of `aims firewall …`, for this host's engine. */
async function firewallFor(cmd: Command) {
  const config = hostOnly(cmd);
  const runtime = createRuntime(config);
  return createFirewall(config, () => runtime, createLogger(config.logLevel));
}

/**
 * `aims firewall install|remove`: the host's AIMS-INPUT chain, which drops traffic from instance networks to
 * this host. scripts/setup-host.sh installs it; the reconciler puts it back when it goes missing.
 */
export function registerFirewall(program: Command): void {
  const firewall = program
    .command("firewall")
    .description("the host firewall that keeps containers away from this host's own services");
  firewall
    .command("install")
    .description("install or repair the AIMS-INPUT chain and its jump from INPUT (idempotent)")
    .option("--json", "machine-readable output")
    .action(async function (this: Command, opts: { json?: boolean }) {
      const host = await firewallFor(this);
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
    });
  firewall
    .command("remove")
    .description(
      "remove the AIMS-INPUT chain and its jump (set firewall.enabled: false too, or the reconciler puts it back)",
    )
    .action(async function (this: Command) {
      const removed = await (await firewallFor(this)).remove();
      process.stdout.write(
        removed
          ? "removed the AIMS-INPUT chain and its jump from INPUT\n"
          : "no AIMS-INPUT chain on this host\n",
      );
    });
}

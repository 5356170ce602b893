import type { Command } from "commander";

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
      const { runFirewallInstall } = await import("../actions/firewall.js");
      await runFirewallInstall(this, opts);
    });
  firewall
    .command("remove")
    .description(
      "remove the AIMS-INPUT chain and its jump (set firewall.enabled: false too, or the reconciler puts it back)",
    )
    .action(async function (this: Command) {
      const { runFirewallRemove } = await import("../actions/firewall.js");
      await runFirewallRemove(this);
    });
}

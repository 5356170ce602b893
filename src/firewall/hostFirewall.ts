import { HOST_FIREWALL_CHAIN, type HostFirewallPolicy, hostFirewallPolicy } from "../domain/hostFirewall.js";
import type { Logger } from "../logger.js";
import type { FirewallDriver } from "./FirewallDriver.js";

/** One line of `aims doctor` about the host firewall. */
export interface FirewallReport {
  ok: boolean;
  /** In place is ok; off or unable to run here is ok with a warning (nothing AIMS can fix alone). */
  warning?: boolean;
  detail: string;
}

/**
 * The host firewall as the reconciler, `aims doctor` and `aims firewall` use it: the policy comes from the
 * engine's address pools, the driver does the rest.
 */
export interface HostFirewall {
  /** Start of every reconcile tick: puts the chain and its jump back when they are missing. Never throws. */
  ensure(): Promise<void>;
  /** Installs (or repairs) the rules now; returns what it changed. Throws when they cannot be installed. */
  install(): Promise<string[]>;
  /** Removes the jump and the chain; false when there was none. */
  remove(): Promise<boolean>;
  /** What `aims doctor` says. */
  report(): Promise<FirewallReport>;
}

export interface HostFirewallOptions {
  /** `firewall.enabled`. */
  enabled: boolean;
  driver: () => Promise<FirewallDriver>;
  /** The engine's address pools (every instance network comes from them). */
  pools: () => Promise<ReadonlyArray<{ base: string }>>;
  logger: Logger;
}

const OFF =
  "off (firewall.enabled: false / AIMS_FIREWALL=off): containers can reach services listening on this host's addresses";

/** Builds the host firewall over a driver; with `enabled: false` it does nothing and says so. */
export function createHostFirewall(options: HostFirewallOptions): HostFirewall {
  // A problem that lasts (no iptables, no pools) is logged when it starts or changes, not on every tick.
  let lastProblem: string | undefined;
  const problem = (level: "warn" | "error", message: string, reason: string) => {
    if (reason !== lastProblem) options.logger[level]({ reason }, message);
    lastProblem = reason;
  };
  const policy = async (): Promise<HostFirewallPolicy> => {
    const p = hostFirewallPolicy(await options.pools());
    if (!p.sources.length)
      throw new Error(
        "the engine reports no address pools: set default-address-pools in /etc/docker/daemon.json (see docs/operations.md), so the firewall knows the instance networks",
      );
    return p;
  };
  const describe = (p: HostFirewallPolicy) =>
    `${p.chain} drops traffic from ${p.sources.join(", ")} to this host${p.openTcpPorts.length ? ` except TCP ${p.openTcpPorts.join(", ")}` : ""} (jumped to from INPUT)`;

  return {
    async ensure() {
      if (!options.enabled) return;
      try {
        const p = await policy();
        const driver = await options.driver();
        const state = await driver.inspect(p);
        if (state.kind === "unavailable")
          return problem("warn", "host firewall cannot be installed", state.reason);
        lastProblem = undefined;
        if (state.kind === "in-place") return;
        const changed = await driver.apply(p);
        options.logger.warn({ restored: changed }, `host firewall restored: ${describe(p)}`);
      } catch (err) {
        problem("error", "host firewall check failed", (err as Error).message);
      }
    },
    async install() {
      if (!options.enabled) throw new Error(`the host firewall is ${OFF}`);
      const p = await policy();
      const driver = await options.driver();
      const state = await driver.inspect(p);
      if (state.kind === "unavailable") throw new Error(state.reason);
      return driver.apply(p);
    },
    async remove() {
      return (await options.driver()).remove(HOST_FIREWALL_CHAIN);
    },
    async report() {
      if (!options.enabled) return { ok: true, warning: true, detail: OFF };
      try {
        const p = await policy();
        const state = await (await options.driver()).inspect(p);
        if (state.kind === "in-place") return { ok: true, detail: describe(p) };
        if (state.kind === "unavailable")
          return {
            ok: true,
            warning: true,
            detail: `cannot check or install the rules here: ${state.reason}; containers can reach services listening on this host's addresses`,
          };
        return {
          ok: false,
          detail: `missing: ${state.what.join(", ")}; the reconciler puts them back on its next tick, or run \`aims firewall install\``,
        };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },
  };
}

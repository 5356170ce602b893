import type { HostFirewallPolicy } from "../domain/hostFirewall.js";

export type { HostFirewallPolicy };

/** What the host's packet filter holds compared with a policy. */
export type FirewallState =
  /** The chain holds exactly the policy's rules and INPUT jumps to it. */
  | { kind: "in-place" }
  /** Something is missing or different: one phrase each (`chain AIMS-INPUT`, `the jump from INPUT`, a rule). */
  | { kind: "missing"; what: string[] }
  /** The packet filter cannot be read or changed here (no iptables, not root): why, in a sentence. */
  | { kind: "unavailable"; reason: string };

/**
 * The host's packet filter, as AIMS uses it: one chain of its own on INPUT. Implemented by
 * `iptables/IptablesDriver.ts`; built only by the composition root (`src/platform.ts`).
 */
export interface FirewallDriver {
  /** Compares the host with `policy`; never changes anything. */
  inspect(policy: HostFirewallPolicy): Promise<FirewallState>;
  /**
   * Makes the host match `policy` in one atomic step: the chain holds exactly its rules (in order) and INPUT
   * jumps to it. Idempotent; returns what it had to change (empty when all was in place).
   */
  apply(policy: HostFirewallPolicy): Promise<string[]>;
  /** Removes the jump from INPUT and the chain; false when there was none. */
  remove(chain: string): Promise<boolean>;
}

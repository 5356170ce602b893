import type { HostFirewallPolicy } from "../FirewallDriver.js";

/** What `iptables -S` shows of AIMS's chain and the jump to it. */
export interface ChainListing {
  exists: boolean;
  /** The chain's `-A` lines, in order. */
  rules: string[];
  /** How many times INPUT jumps to the chain. */
  jumps: number;
}

/**
 * The chain's rules in the exact form `iptables -S` prints them, in order: replies to connections the host
 * opened pass (health probes, the proxy), then the open ports, then everything else from the pools is dropped.
 * `--ctdir REPLY` matters: a connection a container opened while the rules were missing is established too,
 * and must be cut when they come back, not carried on.
 */
export function policyRules(policy: HostFirewallPolicy): string[] {
  const c = policy.chain;
  return [
    `-A ${c} -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j RETURN`,
    ...policy.openTcpPorts.map((port) => `-A ${c} -p tcp -m tcp --dport ${port} -j RETURN`),
    ...policy.sources.map((source) => `-A ${c} -s ${source} -j DROP`),
  ];
}

/** Reads the chain and its jumps out of `iptables -S` (the whole filter table). */
export function readChain(listing: string, chain: string): ChainListing {
  const lines = listing.split("\n").map((line) => line.trim());
  return {
    exists: lines.includes(`-N ${chain}`),
    rules: lines.filter((line) => line.startsWith(`-A ${chain} `)),
    jumps: lines.filter((line) => line === `-A INPUT -j ${chain}`).length,
  };
}

/** What differs between the host and the policy, one phrase each; empty when the policy is in place. */
export function differences(current: ChainListing, policy: HostFirewallPolicy): string[] {
  const wanted = policyRules(policy);
  const what: string[] = [];
  if (!current.exists) what.push(`chain ${policy.chain}`);
  else if (current.rules.join("\n") !== wanted.join("\n"))
    what.push(`the rules of ${policy.chain} (${current.rules.length} found, ${wanted.length} expected)`);
  if (current.jumps === 0) what.push(`the jump to ${policy.chain} from INPUT`);
  return what;
}

/**
 * The `iptables-restore --noflush` input that makes the host match the policy, or undefined when it does.
 * Declaring the chain flushes it (or creates it), so its rules are replaced whole, in one commit; the jump
 * goes first on INPUT, ahead of any ACCEPT an operator or a distribution put there.
 */
export function restoreInput(current: ChainListing, policy: HostFirewallPolicy): string | undefined {
  if (differences(current, policy).length === 0) return undefined;
  const rulesDiffer = !current.exists || current.rules.join("\n") !== policyRules(policy).join("\n");
  return [
    "*filter",
    ...(rulesDiffer ? [`:${policy.chain} - [0:0]`, ...policyRules(policy)] : []),
    ...(current.jumps === 0 ? [`-I INPUT 1 -j ${policy.chain}`] : []),
    "COMMIT",
    "",
  ].join("\n");
}

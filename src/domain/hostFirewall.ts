/** The chain AIMS owns on the host's INPUT: it drops traffic from instance networks to the host itself. */
export const HOST_FIREWALL_CHAIN = "AIMS-INPUT";

/**
 * Host ports AIMS opens to containers on purpose. None yet: the LLM gateway will be the first. Every install
 * on a host must agree on this list, since the chain is the host's, not one install's.
 */
export const OPEN_HOST_PORTS: readonly number[] = [];

/**
 * What the host firewall must say: traffic from `sources` (the engine's address pools, where every instance
 * network comes from) to any of the host's own addresses is dropped, except replies to connections the host
 * opened (health probes, the proxy) and TCP to `openTcpPorts`. Forwarded traffic (a container to the internet,
 * or to another container of its own network) never passes INPUT, so it is untouched.
 */
export interface HostFirewallPolicy {
  chain: string;
  sources: string[];
  openTcpPorts: number[];
}

/** The policy for the engine's address pools. */
export function hostFirewallPolicy(
  pools: ReadonlyArray<{ base: string }>,
  openTcpPorts: readonly number[] = OPEN_HOST_PORTS,
): HostFirewallPolicy {
  return {
    chain: HOST_FIREWALL_CHAIN,
    sources: [...new Set(pools.map((p) => p.base))],
    openTcpPorts: [...openTcpPorts],
  };
}

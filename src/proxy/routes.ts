import { isValidHostname } from "../domain/hostnames.js";
import type { Plug } from "../domain/manifest.js";
import { isValidName } from "../domain/names.js";
import type { Route, RouteTable, TlsFiles } from "./ProxyDriver.js";

/** Observed states whose replicas take requests; every other state of an active instance answers 503. */
export const SERVING_STATES: ReadonlySet<string> = new Set(["ready", "degraded"]);

/** What deriving a route needs to know about one active instance. */
export interface RouteSource {
  tenant: string;
  instance: string;
  state: string;
  /** Host ports of the replicas of the instance's HTTP port, in replica order. */
  ports: number[];
  domains: string[];
  /** The operator suspended its tenant: never served, whatever the instance's state. */
  tenantSuspended?: boolean;
}

export interface RouteSettings {
  baseDomain: string;
  /** The address the replicas' ports are published on (AIMS's `bindAddress`). */
  publishAddress: string;
  /** Certificate files for a host, when they exist. */
  tlsFor?: (host: string) => TlsFiles | undefined;
}

/** The address a replica is reached at: a wildcard bind is reached on loopback. */
export function upstreamAddress(bindAddress: string): string {
  if (bindAddress === "0.0.0.0") return "127.0.0.1";
  if (bindAddress === "::") return "::1";
  return bindAddress;
}

/** The host an instance answers at on the proxy. */
export function instanceHost(instance: string, tenant: string, baseDomain: string): string {
  return `${instance}.${tenant}.${baseDomain}`;
}

/**
 * The route table from the store's facts, pure. Names and domains are checked again here (they were
 * validated at input): a row that fails is left out rather than rendered, and a host claimed twice
 * goes to the first route that claims it.
 */
export function deriveRoutes(sources: RouteSource[], settings: RouteSettings): RouteTable {
  const taken = new Set<string>();
  const routes: Route[] = [];
  const sorted = [...sources].sort((a, b) =>
    a.tenant === b.tenant ? a.instance.localeCompare(b.instance) : a.tenant.localeCompare(b.tenant),
  );
  for (const s of sorted) {
    if (!isValidName(s.tenant) || !isValidName(s.instance)) continue;
    const names = [
      instanceHost(s.instance, s.tenant, settings.baseDomain),
      ...[...new Set(s.domains)].filter(isValidHostname).sort(),
    ].filter((h) => !taken.has(h));
    for (const h of names) taken.add(h);
    const address = upstreamAddress(settings.publishAddress);
    const upstream = s.ports
      .filter((p) => Number.isInteger(p) && p > 0 && p < 65536)
      .map((port) => ({ address, port }));
    routes.push({
      tenant: s.tenant,
      instance: s.instance,
      state: s.state,
      ...(s.tenantSuspended ? { tenantSuspended: true } : {}),
      serving: !s.tenantSuspended && SERVING_STATES.has(s.state) && upstream.length > 0,
      hosts: names.map((name) => {
        const tls = settings.tlsFor?.(name);
        return tls ? { name, tls } : { name };
      }),
      path: `/${s.tenant}/${s.instance}/`,
      upstream,
    });
  }
  return { routes };
}

/** The port of a plug that the proxy routes to: the first public HTTP port of the first service that has one. */
export function routedPort(plug: Plug): { service: string; port: string } | undefined {
  for (const svc of plug.services) {
    const port = svc.ports.find((p) => p.public && p.protocol === "http");
    if (port) return { service: svc.name, port: port.name };
  }
  return undefined;
}

/** The proxy settings a URL needs. */
export interface ProxyAddress {
  enabled: boolean;
  bindAddress: string;
  port: number;
  baseDomain: string;
  pathRouting: boolean;
}

/**
 * The addresses of an instance through the proxy: by host name, and (only with `proxy.pathRouting`) by
 * path on the proxy's own address.
 * @example proxyUrls("acme", "web", cfg) // { url: "http://web.acme.localhost:8080/" } (+ pathUrl: "http://127.0.0.1:8080/acme/web/" with pathRouting)
 */
export function proxyUrls(
  tenant: string,
  instance: string,
  proxy: ProxyAddress,
): { url: string; pathUrl?: string } {
  const port = proxy.port === 80 ? "" : `:${proxy.port}`;
  const address = upstreamAddress(proxy.bindAddress);
  const host = address.includes(":") ? `[${address}]` : address;
  const url = `http://${instanceHost(instance, tenant, proxy.baseDomain)}${port}/`;
  if (!proxy.pathRouting) return { url };
  return { url, pathUrl: `http://${host}${port}/${tenant}/${instance}/` };
}

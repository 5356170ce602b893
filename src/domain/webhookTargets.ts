import { isIP } from "node:net";
import * as z from "zod";

/**
 * Where a tenant's webhook may point, as pure rules. Tenants are not trusted: a webhook is a request the control
 * plane makes on their behalf, so it must not reach the control plane itself (loopback, this host's own
 * addresses, its API) or a cloud's metadata service (link-local) unless the operator allows that host
 * (`alerts.allowedWebhookHosts`). The check runs on the URL when the webhook is added and again on every address
 * the name resolves to when it is delivered (a name may resolve elsewhere later).
 */

/** A webhook URL: http(s), no user name or password in it, at most 2000 characters. */
export const webhookUrlSchema = z
  .string()
  .max(2000, { error: "must be at most 2000 characters" })
  .refine((u) => URL.canParse(u), { error: "must be a URL like https://hooks.example.com/aims" })
  .refine((u) => /^https?:$/.test(new URL(u).protocol), { error: "must be an http:// or https:// URL" })
  .refine((u) => !new URL(u).username && !new URL(u).password, {
    error: "must not carry a user name or password (the body is signed instead; see docs/alerts.md)",
  });

/** Why `address` (an IP literal) may not be a webhook's target, or null when it may. */
export function addressRefusal(address: string, hostAddresses: ReadonlySet<string>): string | null {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const v4 = mapped ? mapped[1]! : isIP(ip) === 4 ? ip : null;
  if (v4) {
    const [a, b] = v4.split(".").map(Number) as [number, number];
    if (a === 127) return "a loopback address (this host)";
    if (a === 0) return "an unspecified address";
    if (a === 169 && b === 254) return "a link-local address (cloud metadata services live there)";
    if (a >= 224) return "a multicast or reserved address";
    if (hostAddresses.has(v4)) return "an address of this host (the control plane)";
    return null;
  }
  if (isIP(ip) !== 6) return "not an IP address";
  if (ip === "::1") return "a loopback address (this host)";
  if (ip === "::") return "an unspecified address";
  if (/^fe[89ab]/.test(ip)) return "a link-local address (cloud metadata services live there)";
  if (ip.startsWith("ff")) return "a multicast address";
  if (ip === "fd00:ec2::254") return "a cloud metadata address";
  if (hostAddresses.has(ip)) return "an address of this host (the control plane)";
  return null;
}

/**
 * Why a webhook URL's host may not be used as it is written (before any name is resolved), or null. A name like
 * `localhost` is refused outright; other names are checked per resolved address at delivery.
 */
export function urlRefusal(
  url: string,
  policy: { allowedHosts: readonly string[]; hostAddresses: ReadonlySet<string> },
): string | null {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (policy.allowedHosts.map((h) => h.toLowerCase()).includes(host)) return null;
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this host (the control plane)`;
  if (host === "metadata.google.internal") return `${host} is a cloud metadata service`;
  if (!isIP(host)) return null;
  const why = addressRefusal(host, policy.hostAddresses);
  return why ? `${host} is ${why}` : null;
}

/** The sentence a refused webhook answers with. */
export function refusedTarget(why: string): string {
  return `webhook target refused: ${why}; the operator may allow the host with alerts.allowedWebhookHosts (docs/alerts.md)`;
}

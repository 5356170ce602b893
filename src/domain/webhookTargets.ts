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
  .superRefine((text, ctx) => {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    const problem = !url
      ? "must be a URL like https://hooks.example.com/aims"
      : !/^https?:$/.test(url.protocol)
        ? "must be an http:// or https:// URL"
        : url.username || url.password
          ? "must not carry a user name or password (the body is signed instead; see docs/alerts.md)"
          : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`, or `::ffff:7f00:1` as URLs write it). */
function mappedV4(ip: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (!hex) return null;
  const [hi, lo] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** Why `address` (an IP literal) may not be a webhook's target, or null when it may. */
export function addressRefusal(address: string, hostAddresses: ReadonlySet<string>): string | null {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v4 = isIP(ip) === 4 ? ip : mappedV4(ip);
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

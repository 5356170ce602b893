import { AimsError } from "./errors.js";

/** One DNS label: 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The rule for a custom domain an instance answers at: a fully qualified host name of at least two DNS
 * labels, at most 253 characters, whose last label is not numeric (so never an IP address). No
 * wildcards, ports, paths or trailing dot: the value reaches the proxy's configuration verbatim.
 * @example isValidHostname("shop.example.com") // true
 */
export function isValidHostname(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  return /[a-z]/.test(labels[labels.length - 1]!);
}

/**
 * A custom domain as typed (any case, one optional trailing dot) in its stored form, or
 * AimsError("invalid_input") saying what is wrong. Hosts under the proxy's base domain are refused:
 * those names belong to AIMS's own `<instance>.<tenant>.<baseDomain>` routes.
 */
export function parseCustomDomain(raw: string, baseDomain: string): string {
  const host = raw.trim().toLowerCase().replace(/\.$/, "");
  if (!isValidHostname(host))
    throw new AimsError(
      "invalid_input",
      `"${raw.slice(0, 80)}" is not a host name: use DNS labels of letters, digits and hyphens separated by dots, like shop.example.com (no scheme, port, path or wildcard)`,
    );
  if (host === baseDomain || host.endsWith(`.${baseDomain}`))
    throw new AimsError(
      "invalid_input",
      `${host} is under the base domain ${baseDomain}, whose names AIMS gives instances itself; use a domain of your own`,
    );
  return host;
}

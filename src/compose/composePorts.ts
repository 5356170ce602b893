import type { Findings } from "./composeVariables.js";
import { isMapping } from "./parseCompose.js";

/** A port of an imported service: the container port and whether Compose published it. */
export interface ImportedPort {
  name: string;
  container: number;
  protocol: "http" | "tcp";
  public: boolean;
}

/**
 * Ports where the protocol is not HTTP (databases, brokers, caches, mail, DNS): published as TCP, without a
 * proxy route. Any other published port is taken as HTTP, unless the long syntax says `app_protocol`.
 */
const TCP_PORTS = new Set([
  21, 22, 25, 53, 110, 143, 389, 465, 587, 993, 995, 1433, 1521, 1883, 2181, 3306, 4222, 5432, 5672, 6379,
  6380, 7687, 8883, 9042, 9092, 11211, 26257, 27017, 28015,
]);

const PORT_SHORT = /^(?:(?:\[?([0-9a-fA-F.:]+)\]?:)?(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?$/;

/** `ports:` (short `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, `80`, or long `{target, published}`). */
export function readPorts(service: string, value: unknown, findings: Findings, out: ImportedPort[]): void {
  if (!Array.isArray(value)) {
    findings.refuse(service, "ports", "must be a list");
    return;
  }
  for (const entry of value) {
    const port = readPort(service, entry, findings);
    if (port) addPort(service, port, out, findings);
  }
}

/** `expose:` container ports, reachable from the instance's other services only. */
export function readExpose(service: string, value: unknown, findings: Findings, out: ImportedPort[]): void {
  if (!Array.isArray(value)) {
    findings.refuse(service, "expose", "must be a list");
    return;
  }
  for (const entry of value) {
    const m = /^(\d+)(?:\/tcp)?$/.exec(String(entry));
    const n = m ? Number(m[1]) : Number.NaN;
    if (!(n >= 1 && n <= 65535)) {
      findings.refuse(
        service,
        "expose",
        `${JSON.stringify(entry)} is not one TCP port (ranges are not supported)`,
      );
      continue;
    }
    addPort(service, { name: `port-${n}`, container: n, protocol: "tcp", public: false }, out, findings);
  }
}

function readPort(service: string, entry: unknown, findings: Findings): ImportedPort | undefined {
  if (isMapping(entry)) return readLongPort(service, entry, findings);
  const text = String(entry);
  const m = typeof entry === "number" || typeof entry === "string" ? PORT_SHORT.exec(text) : null;
  if (!m) {
    findings.refuse(service, "ports", `${JSON.stringify(entry)} is not a port like "8080:80" or "80"`);
    return undefined;
  }
  const [, hostIp, published, target, protocol] = m;
  if (target!.includes("-") || published?.includes("-")) {
    findings.refuse(
      service,
      "ports",
      `${text} is a port range: AIMS allocates one host port per published port; list each port`,
    );
    return undefined;
  }
  return finishPort(service, findings, {
    target: Number(target),
    ...(published ? { published: Number(published) } : {}),
    ...(hostIp ? { hostIp } : {}),
    protocol: protocol ?? "tcp",
  });
}

function readLongPort(service: string, entry: Record<string, unknown>, findings: Findings) {
  const target = Number(entry.target);
  const published = entry.published === undefined ? undefined : String(entry.published);
  if (published?.includes("-") || String(entry.target).includes("-")) {
    findings.refuse(service, "ports", `published ${published} is a port range; list each port`);
    return undefined;
  }
  return finishPort(service, findings, {
    target,
    ...(published ? { published: Number(published) } : {}),
    ...(typeof entry.host_ip === "string" ? { hostIp: entry.host_ip } : {}),
    protocol: typeof entry.protocol === "string" ? entry.protocol : "tcp",
    ...(typeof entry.name === "string" ? { name: entry.name } : {}),
    ...(typeof entry.app_protocol === "string" ? { appProtocol: entry.app_protocol } : {}),
  });
}

function finishPort(
  service: string,
  findings: Findings,
  p: {
    target: number;
    published?: number;
    hostIp?: string;
    protocol: string;
    name?: string;
    appProtocol?: string;
  },
): ImportedPort | undefined {
  if (!(Number.isInteger(p.target) && p.target >= 1 && p.target <= 65535)) {
    findings.refuse(service, "ports", `container port ${p.target} is not a port number (1-65535)`);
    return undefined;
  }
  if (p.protocol !== "tcp") {
    findings.refuse(service, "ports", `port ${p.target}/${p.protocol}: AIMS publishes TCP ports only`);
    return undefined;
  }
  if (p.published !== undefined)
    findings.change(
      service,
      "ports",
      `host port ${p.published} is replaced by a port AIMS allocates for ${p.target} (see the instance's ports)`,
    );
  if (p.hostIp)
    findings.change(service, "ports", `host address ${p.hostIp} is replaced by AIMS's bind address`);
  const http = p.appProtocol ? /^https?$/i.test(p.appProtocol) : !TCP_PORTS.has(p.target);
  const name = p.name && /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(p.name) ? p.name : `port-${p.target}`;
  return { name, container: p.target, protocol: http ? "http" : "tcp", public: true };
}

function addPort(service: string, port: ImportedPort, out: ImportedPort[], findings: Findings): void {
  const same = out.find((p) => p.container === port.container);
  if (!same) {
    out.push(out.some((p) => p.name === port.name) ? { ...port, name: `port-${port.container}` } : port);
    return;
  }
  if (port.public && !same.public) {
    same.public = true;
    same.protocol = port.protocol;
  } else if (port.public)
    findings.change(
      service,
      "ports",
      `container port ${port.container} is published once, on one allocated port`,
    );
}

import type { HealthCheck } from "../domain/manifest.js";
import type { SizedPlug, SizedService } from "../domain/sizedPlug.js";
import { yamlLibrary } from "../parseYaml.js";

/**
 * Compose emission: an instance's sized plug in, a Compose Specification file out, in the subset that both
 * Debian's `docker-compose` 1.29 and `docker compose` v2 read (no `version:` key, no top-level `name:`: the
 * project name is `COMPOSE_PROJECT_NAME` in `.env`). Pure: no engine, no store, no file system.
 */

/** A healthcheck as Compose writes it. */
export interface ComposeHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

/** One service of the emitted file: only the keys this module writes. */
export interface ComposeService {
  image: string;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  networks: string[];
  depends_on?: Record<string, { condition: "service_healthy" | "service_started" }>;
  healthcheck?: ComposeHealthcheck;
  user?: string;
  cap_drop: string[];
  cap_add?: string[];
  security_opt: string[];
  init: boolean;
  restart: "unless-stopped";
  mem_limit: string;
  memswap_limit: string;
  cpus: number;
  pids_limit: number;
  deploy: { resources: { limits: { cpus: string; memory: string } } };
  logging: { driver: "json-file"; options: { "max-size": string; "max-file": string } };
}

/** The emitted file. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, Record<string, never>>;
  volumes?: Record<string, Record<string, never>>;
}

/** A variable of the bundle's `.env`: every input, secret and published port. */
export interface ComposeVariable {
  key: string;
  kind: "input" | "secret" | "port" | "setting";
  /** The value the instance runs with (an input's answer, a port's default); secrets carry none here. */
  value: string;
  /** For a secret: how `setup.sh` generates it. */
  secret?: { length: number; alphabet: "hex" | "alnum" | "base64url" };
  comment: string;
}

/** A named volume of the file: which service mounts it where. */
export interface ComposeVolume {
  /** The key under `volumes:` (Compose names the Docker volume `<project>_<key>`). */
  key: string;
  service: string;
  volume: string;
  path: string;
}

/** A published port: the `.env` variable that holds its host port. */
export interface ComposePort {
  service: string;
  name: string;
  container: number;
  protocol: "http" | "tcp";
  variable: string;
  defaultHostPort: number;
}

export interface ComposeInput {
  plug: SizedPlug;
  /** Image per service: what the instance runs. */
  images: Record<string, string>;
  /** The instance's non-secret input values. */
  inputs: Record<string, string>;
  instance: { id: string; name: string };
  tenant: { name: string };
}

export interface ComposeOutput {
  file: ComposeFile;
  variables: ComposeVariable[];
  volumes: ComposeVolume[];
  ports: ComposePort[];
  /** Services in start order (every one after those it depends on). */
  order: string[];
}

/** The network every service of the bundle joins (Compose names it `<project>_app`). */
export const COMPOSE_NETWORK = "app";

/** The variable that holds the address published ports bind to. */
export const BIND_VARIABLE = "BIND_ADDRESS";

const REF = /\$\{([a-z]+)\.([A-Za-z0-9_-]+)\}/g;

/** `$` is Compose's interpolation sign: a literal one is `$$`. */
const literal = (text: string) => text.replaceAll("$", () => "$$");

/** The `.env` variable of a published port: `HOST_PORT_API_HTTP`. */
export function portVariable(service: string, port: string): string {
  return `HOST_PORT_${service}_${port}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** Services in start order; the manifest schema refuses cycles, so every service appears once. */
function startOrder(services: SizedService[]): SizedService[] {
  const out: SizedService[] = [];
  const visit = (svc: SizedService, trail: string[]) => {
    if (out.includes(svc) || trail.includes(svc.name)) return;
    for (const dep of svc.dependsOn) {
      const target = services.find((s) => s.name === dep);
      if (target) visit(target, [...trail, svc.name]);
    }
    out.push(svc);
  };
  for (const svc of services) visit(svc, []);
  return out;
}

/** Memory in the form both Compose versions read: `128m`, or bytes when not a whole number of KiB. */
function memoryText(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}g`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}m`;
  if (bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

/**
 * A health check run inside the container. AIMS probes HTTP and TCP from outside; on a plain Docker host the
 * engine runs the check in the container, so it tries what images commonly carry: curl, wget, then Node.
 */
function healthTest(health: HealthCheck): string[] {
  if ("command" in health) return ["CMD", ...health.command.map(literal)];
  if ("http" in health) {
    const url = `http://127.0.0.1:${health.http.port}${health.http.path}`;
    const node = `node -e "fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;
    return [
      "CMD-SHELL",
      literal(
        `curl -fsS -o /dev/null '${url}' 2>/dev/null || wget -q -O /dev/null '${url}' 2>/dev/null || ${node}`,
      ),
    ];
  }
  const port = health.tcp.port;
  const node = `node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;
  return ["CMD-SHELL", literal(`nc -z 127.0.0.1 ${port} 2>/dev/null || ${node}`)];
}

function healthcheck(health: HealthCheck): ComposeHealthcheck {
  const interval = health.intervalMs ?? 5000;
  const start = health.startTimeoutMs ?? 60_000;
  return {
    test: healthTest(health),
    interval: seconds(interval),
    timeout: seconds(health.timeoutMs ?? 3000),
    // Past the start period, this many failures in a row make the service unhealthy.
    retries: 5,
    start_period: seconds(start),
  };
}

/**
 * An env value of the manifest for Compose: `${inputs.X}` and `${secrets.X}` become `${X}` (from `.env`), the
 * instance's and tenant's names are written in, every other `$` is literal.
 */
function envValue(value: string, input: ComposeInput): string {
  let out = "";
  let last = 0;
  for (const m of value.matchAll(REF)) {
    out += literal(value.slice(last, m.index));
    const [whole, scope, key] = m as unknown as [string, string, string];
    if (scope === "inputs" || scope === "secrets") out += `\${${key}}`;
    else if (scope === "instance") out += literal(key === "id" ? input.instance.id : input.instance.name);
    else if (scope === "tenant") out += literal(input.tenant.name);
    else out += literal(whole);
    last = (m.index ?? 0) + whole.length;
  }
  return out + literal(value.slice(last));
}

/** Every variable of the bundle: the plug's inputs and secrets, each published port, the bind address. */
function variablesOf(input: ComposeInput, ports: ComposePort[]): ComposeVariable[] {
  const { plug } = input;
  const vars: ComposeVariable[] = [];
  for (const i of plug.inputs) {
    if (i.type === "secret") {
      vars.push({
        key: i.key,
        kind: "secret",
        value: "",
        secret: { length: Math.max(32, i.minLength), alphabet: "alnum" },
        comment: `${i.question} (secret: left blank, setup.sh generates one)`,
      });
      continue;
    }
    const value = input.inputs[i.key] ?? ("default" in i && i.default !== undefined ? String(i.default) : "");
    vars.push({ key: i.key, kind: "input", value, comment: i.question });
  }
  for (const s of plug.secrets)
    vars.push({
      key: s.key,
      kind: "secret",
      value: "",
      secret: { length: s.length, alphabet: s.alphabet },
      comment: `secret: left blank, setup.sh generates ${s.length} characters (${s.alphabet})`,
    });
  vars.push({
    key: BIND_VARIABLE,
    kind: "setting",
    value: "127.0.0.1",
    comment: "address the published ports listen on (127.0.0.1: only this host, behind nginx.conf)",
  });
  for (const p of ports)
    vars.push({
      key: p.variable,
      kind: "port",
      value: String(p.defaultHostPort),
      comment: `host port of ${p.service}'s ${p.name} port (${p.protocol}, container port ${p.container})`,
    });
  return vars;
}

/** The plug's published ports with their variables; default host ports are the container ports, made distinct. */
function portsOf(plug: SizedPlug): ComposePort[] {
  const taken = new Set<number>();
  const out: ComposePort[] = [];
  for (const svc of plug.services)
    for (const p of svc.ports.filter((x) => x.public)) {
      let host = p.container;
      while (taken.has(host)) host += 1;
      taken.add(host);
      out.push({
        service: svc.name,
        name: p.name,
        container: p.container,
        protocol: p.protocol,
        variable: portVariable(svc.name, p.name),
        defaultHostPort: host,
      });
    }
  return out;
}

/** The Compose file of an instance, with its variables, volumes and published ports. */
export function writeCompose(input: ComposeInput): ComposeOutput {
  const ordered = startOrder(input.plug.services);
  const ports = portsOf(input.plug);
  const volumes: ComposeVolume[] = [];
  const services: Record<string, ComposeService> = {};
  const healthy = new Set(input.plug.services.filter((s) => s.health).map((s) => s.name));
  for (const svc of ordered) {
    const image = input.images[svc.name];
    if (!image) throw new Error(`no image for service ${svc.name}`);
    const mounts = svc.volumes.map((v) => {
      const key = `${svc.name}-${v.name}`;
      volumes.push({ key, service: svc.name, volume: v.name, path: v.path });
      return `${key}:${v.path}${v.readOnly ? ":ro" : ""}`;
    });
    const published = ports
      .filter((p) => p.service === svc.name)
      .map((p) => `\${${BIND_VARIABLE}:-127.0.0.1}:\${${p.variable}:-${p.defaultHostPort}}:${p.container}`);
    const { cpu, memory, pids } = svc.resources;
    services[svc.name] = {
      image,
      ...(svc.command ? { command: svc.command.map(literal) } : {}),
      ...(svc.entrypoint ? { entrypoint: svc.entrypoint.map(literal) } : {}),
      environment: Object.fromEntries(Object.entries(svc.env).map(([k, v]) => [k, envValue(v, input)])),
      ...(published.length ? { ports: published } : {}),
      ...(mounts.length ? { volumes: mounts } : {}),
      networks: [COMPOSE_NETWORK],
      ...(svc.dependsOn.length
        ? {
            depends_on: Object.fromEntries(
              svc.dependsOn.map((d) => [
                d,
                { condition: healthy.has(d) ? ("service_healthy" as const) : ("service_started" as const) },
              ]),
            ),
          }
        : {}),
      ...(svc.health ? { healthcheck: healthcheck(svc.health) } : {}),
      ...(svc.runAsRoot ? {} : { user: svc.user ?? "65534:65534" }),
      cap_drop: ["ALL"],
      ...(svc.capAdd.length ? { cap_add: [...svc.capAdd] } : {}),
      security_opt: ["no-new-privileges:true"],
      init: true,
      // No AIMS reconciler on a plain Docker host: the engine restarts what stops.
      restart: "unless-stopped",
      mem_limit: memoryText(memory),
      memswap_limit: memoryText(memory),
      cpus: cpu,
      pids_limit: pids,
      deploy: { resources: { limits: { cpus: String(cpu), memory: memoryText(memory) } } },
      logging: { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } },
    };
  }
  const file: ComposeFile = {
    services,
    networks: { [COMPOSE_NETWORK]: {} },
    ...(volumes.length ? { volumes: Object.fromEntries(volumes.map((v) => [v.key, {}])) } : {}),
  };
  return {
    file,
    variables: variablesOf(input, ports),
    volumes,
    ports,
    order: ordered.map((s) => s.name),
  };
}

/** The file as YAML text, with a header saying where it came from. */
export function composeYaml(file: ComposeFile, header: string): string {
  const comment = header
    .split("\n")
    .map((l) => `# ${l}`.trimEnd())
    .join("\n");
  return `${comment}\n${yamlLibrary().stringify(file, { lineWidth: 0 })}`;
}

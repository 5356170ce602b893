import type { HealthCheck } from "../domain/manifest.js";
import type { ComposeFiles, ComposeService } from "./composeModel.js";
import { type ImportedPort, readExpose, readPorts } from "./composePorts.js";
import { importedCapabilities, readSecurityOptions } from "./composeSecurity.js";
import {
  envFileEntries,
  environmentEntries,
  parseCpus,
  parseDuration,
  parseSize,
  scalarText,
  shellWords,
  uploadedPath,
} from "./composeValues.js";
import type { Findings, Variables } from "./composeVariables.js";
import { type ImportedVolume, readVolumes } from "./composeVolumes.js";
import { isMapping } from "./parseCompose.js";

/** A service as the import builds it, before the manifest schema checks it. */
export interface ImportedService {
  name: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  ports: ImportedPort[];
  volumes: ImportedVolume[];
  health?: HealthCheck;
  resources?: { cpu?: number; memory?: number; pids?: number };
  user?: string;
  runAsRoot: boolean;
  capAdd: string[];
  dependsOn: string[];
  replicas?: number;
  workingDir?: string;
  stopSignal?: string;
  stopGracePeriodSeconds?: number;
  labels?: Record<string, string>;
}

/** Keys refused outright, with the reason a person reads. */
const REFUSED: Record<string, (value: unknown) => string | undefined> = {
  build: () =>
    "AIMS builds no images from the server's disk: push the image to a registry (or `docker load` it on the host) and name it in `image:`",
  privileged: (v) => (v ? "a privileged container has full control of the host" : undefined),
  network_mode: (v) =>
    /^(host|container:|service:)/.test(String(v))
      ? `network_mode ${String(v)} would share another network stack; every service runs on its instance's own network`
      : undefined,
  pid: (v) => (v ? `pid ${String(v)} would share another process namespace` : undefined),
  ipc: (v) =>
    /^(host|container:|service:)/.test(String(v))
      ? `ipc ${String(v)} would share another IPC namespace`
      : undefined,
  uts: (v) => (v === "host" ? "uts host would share the host's hostname namespace" : undefined),
  userns_mode: (v) => (v === "host" ? "userns_mode host turns off user namespace remapping" : undefined),
  cgroup: (v) => (v === "host" ? "cgroup host would share the host's cgroup namespace" : undefined),
  cgroup_parent: () => "a custom cgroup parent would escape the limits AIMS sets",
  devices: () => "host devices are never passed into a service",
  device_cgroup_rules: () => "device rules would open host devices to the service",
  sysctls: () => "kernel parameters (sysctls) are not set per service",
  volumes_from: () => "volumes_from mounts another container's volumes; name the volumes instead",
  extends: () => "extends reads another file on the server; inline the settings",
  runtime: () => "a custom container runtime is not supported",
  oom_kill_disable: (v) =>
    v ? "turning the OOM killer off lets a service starve the host of memory" : undefined,
  gpus: () => "GPUs are not passed into imported services",
};

/** Keys AIMS replaces with its own behaviour: accepted, and reported as changed. */
const REPLACED: Record<string, string> = {
  container_name: "container names are AIMS's own (one per instance, service and replica)",
  networks: "every service joins its instance's own network, where it answers to its service name",
  extra_hosts: "extra host entries are not added; services reach each other by service name",
  hostname: "the container's hostname is AIMS's; other services reach it by its service name",
  domainname: "the container's domain name is AIMS's",
  dns: "services use the engine's DNS on the instance network",
  dns_search: "services use the engine's DNS on the instance network",
  dns_opt: "services use the engine's DNS on the instance network",
  init: "AIMS always runs an init process (tini) as PID 1",
  logging: "AIMS keeps each service's logs (json-file, rotated at 10 MB × 3)",
  restart:
    "AIMS's reconciler restarts a service that exits, with backoff (the engine's own restart policy stays off)",
  pull_policy: "AIMS pulls an image when it is not on the host",
  scale: "taken as the number of replicas",
};

/** Keys that have no effect in AIMS: accepted and listed as ignored. */
const IGNORED: Record<string, string> = {
  tty: "no terminal is attached",
  stdin_open: "no input is attached",
  platform: "the host's platform is used",
  profiles: "every service of the file is imported",
  mem_reservation: "only limits are set",
  memswap_limit: "AIMS allows no swap beyond the memory limit",
  shm_size: "the engine's default /dev/shm size is used",
  ulimits: "the engine's default ulimits are used",
  read_only: "not supported yet: the container's filesystem stays writable",
  group_add: "supplementary groups are not added",
  oom_score_adj: "the engine's default is used",
  cpu_shares: "only a CPU limit is set (cpus)",
  cpuset: "services are not pinned to CPUs",
  mac_address: "addresses are the engine's",
  tmpfs: "tmpfs mounts are not supported; the path stays in the container's own filesystem",
  annotations: "not used",
  attach: "not used",
  develop: "compose watch is a development tool",
  configs: "configs are not supported: put the values in environment variables",
  secrets:
    "compose secrets are files on the server: use environment variables named *_PASSWORD, *_SECRET, *_TOKEN or *_KEY, which AIMS generates or takes at deploy",
  links: "services reach each other by service name",
  external_links: "services reach only their own instance's services",
  label_file: "not read: labels come from `labels`",
  post_start: "lifecycle hooks are not run",
  pre_stop: "lifecycle hooks are not run",
};

/** Every service key with its translator below, for the unknown-key check. */
const HANDLED = new Set([
  "image",
  "command",
  "entrypoint",
  "environment",
  "env_file",
  "ports",
  "expose",
  "volumes",
  "depends_on",
  "healthcheck",
  "deploy",
  "mem_limit",
  "cpus",
  "pids_limit",
  "user",
  "working_dir",
  "stop_signal",
  "stop_grace_period",
  "labels",
  "cap_add",
  "cap_drop",
  "security_opt",
]);

/** Translates one compose service; each problem is recorded in `findings` (a refusal stops the import). */
export function translateService(
  name: string,
  raw: ComposeService,
  ctx: { findings: Findings; variables: Variables; files: ComposeFiles; services: string[] },
): ImportedService {
  const { findings, variables } = ctx;
  // Interpolated first, as Compose does, except the environment (its variables become inputs) and labels
  // (a label whose variable has no default is kept as written, not refused).
  const svc = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [
      key,
      key === "environment" || key.startsWith("x-")
        ? value
        : variables.literalTree(name, key, value, key === "labels"),
    ]),
  ) as ComposeService;
  const out: ImportedService = {
    name,
    env: {},
    ports: [],
    volumes: [],
    runAsRoot: true,
    capAdd: [],
    dependsOn: [],
  };
  for (const [key, value] of Object.entries(svc)) {
    if (key.startsWith("x-")) continue;
    const refusal = REFUSED[key]?.(value);
    if (refusal) findings.refuse(name, key, refusal);
    else if (key in REFUSED) findings.ignore(name, key, `${JSON.stringify(value)} is the default`);
    else if (REPLACED[key]) findings.change(name, key, REPLACED[key]);
    else if (IGNORED[key]) findings.ignore(name, key, IGNORED[key]);
    else if (!HANDLED.has(key)) findings.ignore(name, key, "unknown key, not used");
  }
  const literal = (key: string, v: unknown) => {
    const text = scalarText(v);
    if (text === undefined) findings.refuse(name, key, "must be text");
    return text;
  };

  if (svc.image === undefined) {
    if (svc.build === undefined)
      findings.refuse(name, "image", "is required: name the image the service runs");
  } else {
    const image = literal("image", svc.image);
    if (image !== undefined) out.image = pinImage(name, image, findings);
  }
  const command = words(name, "command", svc.command, findings);
  if (command) out.command = command;
  const entrypoint = words(name, "entrypoint", svc.entrypoint, findings);
  if (entrypoint) out.entrypoint = entrypoint;
  readEnvironment(name, svc, out, ctx);
  if (svc.ports !== undefined) readPorts(name, svc.ports, findings, out.ports);
  if (svc.expose !== undefined) readExpose(name, svc.expose, findings, out.ports);
  if (svc.volumes !== undefined) readVolumes(name, svc.volumes, findings, out.volumes);
  if (svc.depends_on !== undefined) out.dependsOn = dependencies(name, svc.depends_on, ctx);
  const health = healthCheck(name, svc.healthcheck, findings);
  if (health) out.health = health;
  readResources(name, svc, out, findings);
  if (svc.user !== undefined) {
    const user = literal("user", svc.user);
    if (user !== undefined) {
      out.user = user;
      out.runAsRoot = false;
    }
  }
  if (svc.working_dir !== undefined) {
    const dir = literal("working_dir", svc.working_dir);
    if (dir !== undefined) out.workingDir = dir;
  }
  if (svc.stop_signal !== undefined) {
    const signal = literal("stop_signal", svc.stop_signal);
    if (signal !== undefined) out.stopSignal = signal.toUpperCase();
  }
  if (svc.stop_grace_period !== undefined) {
    const ms = parseDuration(svc.stop_grace_period);
    if (typeof ms === "string") findings.refuse(name, "stop_grace_period", ms);
    else out.stopGracePeriodSeconds = Math.min(600, Math.ceil(ms / 1000));
  }
  if (svc.labels !== undefined) readLabels(name, svc.labels, out, findings);
  out.capAdd = importedCapabilities(name, svc.cap_add, svc.cap_drop, findings);
  if (svc.security_opt !== undefined) readSecurityOptions(name, svc.security_opt, findings);
  return out;
}

/** An image reference with a version: `latest` or no tag is refused, since an instance must pin what it runs. */
function pinImage(service: string, image: string, findings: Findings): string | undefined {
  const at = image.indexOf("@");
  const base = at >= 0 ? image.slice(0, at) : image;
  const tag =
    base.lastIndexOf(":") > base.lastIndexOf("/") ? base.slice(base.lastIndexOf(":") + 1) : undefined;
  if (at < 0 && (tag === undefined || tag === "latest")) {
    findings.refuse(
      service,
      "image",
      `${image} does not pin a version: name a tag like ${base}:1.2.3 (or a digest), so every deploy runs the same image`,
    );
    return undefined;
  }
  return image;
}

function words(service: string, key: string, value: unknown, findings: Findings): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const raw =
    typeof value === "string" ? shellWords(value) : Array.isArray(value) ? value.map(scalarText) : undefined;
  if (typeof raw === "string") {
    findings.refuse(service, key, raw);
    return undefined;
  }
  if (!raw || raw.some((w) => w === undefined)) {
    findings.refuse(service, key, "must be a string or a list of strings");
    return undefined;
  }
  return raw as string[];
}

function readEnvironment(
  service: string,
  svc: ComposeService,
  out: ImportedService,
  ctx: { findings: Findings; variables: Variables; files: ComposeFiles },
): void {
  const { findings, variables } = ctx;
  const set = (key: string, value: string | null, from: string) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      findings.refuse(service, from, `${key} is not a variable name (letters, digits, _)`);
      return;
    }
    // A key without a value takes it from the environment in Compose: here, an input of the same name.
    const text = variables.environmentValue(service, `${from}.${key}`, value ?? `\${${key}}`);
    if (text !== undefined) out.env[key] = text;
  };
  if (svc.env_file !== undefined) {
    const list = Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
    for (const item of list) {
      const path = typeof item === "string" ? item : isMapping(item) ? item.path : undefined;
      const required = isMapping(item) ? item.required !== false : true;
      if (typeof path !== "string") {
        findings.refuse(service, "env_file", "must be a path or a list of paths");
        continue;
      }
      const text = ctx.files[uploadedPath(path)];
      if (text === undefined) {
        if (required)
          findings.refuse(
            service,
            "env_file",
            `${path} was not uploaded with the compose file: AIMS never reads a path on the server; send the file with it (\`aims plug import\` sends the env files next to the compose file)`,
          );
        else findings.ignore(service, "env_file", `${path} (not required) was not uploaded`);
        continue;
      }
      const entries = envFileEntries(text);
      if (typeof entries === "string") findings.refuse(service, "env_file", `${path}: ${entries}`);
      else for (const [key, value] of entries) set(key, value, "env_file");
    }
  }
  if (svc.environment !== undefined) {
    const entries = environmentEntries(svc.environment);
    if (typeof entries === "string") findings.refuse(service, "environment", entries);
    else for (const [key, value] of entries) set(key, value, "environment");
  }
}

const CONDITIONS = new Set(["service_started", "service_healthy"]);

function dependencies(
  service: string,
  value: unknown,
  ctx: { findings: Findings; services: string[] },
): string[] {
  const { findings } = ctx;
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((v) => [String(v), undefined])
    : isMapping(value)
      ? Object.entries(value)
      : [];
  if (!Array.isArray(value) && !isMapping(value))
    findings.refuse(service, "depends_on", "must be a list or a mapping");
  const out: string[] = [];
  for (const [dep, spec] of entries) {
    if (!ctx.services.includes(dep) || dep === service) {
      findings.refuse(service, "depends_on", `names ${dep}, which is not another service of this file`);
      continue;
    }
    const condition = isMapping(spec) ? (spec.condition ?? "service_started") : "service_started";
    if (condition === "service_completed_successfully") {
      findings.refuse(
        service,
        "depends_on",
        `${dep}: service_completed_successfully waits for a one-shot job; AIMS runs long-lived services only (run the job in the service's own command)`,
      );
      continue;
    }
    if (!CONDITIONS.has(String(condition)))
      findings.refuse(
        service,
        "depends_on",
        `${dep}: condition ${String(condition)} is not service_started or service_healthy`,
      );
    out.push(dep);
  }
  if (out.length)
    findings.change(
      service,
      "depends_on",
      `AIMS starts ${out.join(", ")} first and waits until ${out.length > 1 ? "they pass their" : "it passes its"} health check (or ${out.length > 1 ? "run" : "runs"}, without one), for service_started too`,
    );
  return out;
}

/** Seconds AIMS waits for a first healthy probe at least: a slow first start must not fail the deploy. */
const MIN_START_WAIT_MS = 60_000;

function healthCheck(service: string, value: unknown, findings: Findings): HealthCheck | undefined {
  if (value === undefined) return undefined;
  if (!isMapping(value)) {
    findings.refuse(service, "healthcheck", "must be a mapping with `test:`");
    return undefined;
  }
  if (value.disable === true) return undefined;
  const test = value.test;
  let command: string[] | undefined;
  if (typeof test === "string") command = ["/bin/sh", "-c", test];
  else if (Array.isArray(test) && test.every((t) => typeof t === "string")) {
    const [kind, ...rest] = test as string[];
    if (kind === "NONE") return undefined;
    if (kind === "CMD" && rest.length) command = rest;
    else if (kind === "CMD-SHELL" && rest.length) command = ["/bin/sh", "-c", rest.join(" ")];
  }
  if (!command) {
    findings.refuse(
      service,
      "healthcheck.test",
      'must be ["CMD", ...], ["CMD-SHELL", "..."], ["NONE"] or a shell command',
    );
    return undefined;
  }
  const timing = (key: string) => {
    if (value[key] === undefined) return undefined;
    const ms = parseDuration(value[key]);
    if (typeof ms === "string") {
      findings.refuse(service, `healthcheck.${key}`, ms);
      return undefined;
    }
    return ms;
  };
  const clamp = (ms: number, key: string) => {
    const bounded = Math.min(60_000, Math.max(100, ms));
    if (bounded !== ms)
      findings.change(
        service,
        `healthcheck.${key}`,
        `${ms} ms is taken as ${bounded} ms (AIMS probes every 0.1-60 s)`,
      );
    return bounded;
  };
  const interval = timing("interval");
  const timeout = timing("timeout");
  const startPeriod = timing("start_period") ?? 0;
  const retries = typeof value.retries === "number" && value.retries > 0 ? value.retries : 3;
  timing("start_interval");
  const wait = startPeriod + ((interval ?? 30_000) + (timeout ?? 30_000)) * retries;
  return {
    command,
    ...(interval !== undefined ? { intervalMs: clamp(interval, "interval") } : {}),
    ...(timeout !== undefined ? { timeoutMs: clamp(timeout, "timeout") } : {}),
    startTimeoutMs: Math.min(900_000, Math.max(MIN_START_WAIT_MS, wait)),
  };
}

function readResources(service: string, svc: ComposeService, out: ImportedService, findings: Findings): void {
  const resources: { cpu?: number; memory?: number; pids?: number } = {};
  const deploy = svc.deploy;
  let limits: Record<string, unknown> = {};
  if (deploy !== undefined) {
    if (!isMapping(deploy)) findings.refuse(service, "deploy", "must be a mapping");
    else {
      for (const key of Object.keys(deploy))
        if (key !== "resources" && key !== "replicas" && !key.startsWith("x-"))
          findings.ignore(
            service,
            `deploy.${key}`,
            "only deploy.resources.limits and deploy.replicas are used",
          );
      const res = deploy.resources;
      if (isMapping(res)) {
        if (isMapping(res.limits)) limits = res.limits;
        for (const key of Object.keys(res))
          if (key !== "limits") findings.ignore(service, `deploy.resources.${key}`, "only limits are set");
      }
      if (deploy.replicas !== undefined) replicas(service, "deploy.replicas", deploy.replicas, out, findings);
    }
  }
  if (svc.scale !== undefined) replicas(service, "scale", svc.scale, out, findings);
  const cpus = limits.cpus ?? svc.cpus;
  if (cpus !== undefined) {
    const n = parseCpus(cpus);
    if (typeof n === "string") findings.refuse(service, "cpus", n);
    else resources.cpu = Math.min(64, n);
  }
  const memory = limits.memory ?? svc.mem_limit;
  if (memory !== undefined) {
    const bytes = parseSize(memory);
    if (typeof bytes === "string") findings.refuse(service, "mem_limit", bytes);
    else if (bytes < 6 * 1024 * 1024)
      findings.refuse(
        service,
        "mem_limit",
        `${String(memory)} is below the engine's least memory limit of 6 MiB`,
      );
    else resources.memory = bytes;
  }
  const pids = limits.pids ?? svc.pids_limit;
  if (pids !== undefined) {
    const n = Number(pids);
    if (!Number.isInteger(n)) findings.refuse(service, "pids_limit", `${String(pids)} is not a whole number`);
    else if (n <= 0)
      findings.change(service, "pids_limit", "unlimited is replaced by the plan's default limit");
    else resources.pids = Math.min(32768, Math.max(16, n));
  }
  if (Object.keys(resources).length) out.resources = resources;
  else
    findings.change(service, "deploy.resources", "no limits given: the tenant's plan's default limits apply");
}

function replicas(
  service: string,
  key: string,
  value: unknown,
  out: ImportedService,
  findings: Findings,
): void {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    findings.refuse(service, key, `${String(value)} is not a number of replicas from 1 to 20`);
  else out.replicas = n;
}

function readLabels(service: string, value: unknown, out: ImportedService, findings: Findings): void {
  const entries = environmentEntries(value);
  if (typeof entries === "string") {
    findings.refuse(service, "labels", entries);
    return;
  }
  const labels: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (key.startsWith("aims.")) findings.ignore(service, `labels.${key}`, "aims. labels are AIMS's own");
    else labels[key] = v ?? "";
  }
  if (Object.keys(labels).length) out.labels = labels;
}

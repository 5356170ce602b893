import type { HealthCheck } from "../domain/manifest.js";
import { healthCheck } from "./composeHealth.js";
import { HANDLED, IGNORED, REFUSED, REPLACED } from "./composeKeys.js";
import type { ComposeFiles, ComposeService } from "./composeModel.js";
import { type ImportedPort, readExpose, readPorts } from "./composePorts.js";
import { readResources } from "./composeResources.js";
import { importedCapabilities, readSecurityOptions } from "./composeSecurity.js";
import {
  envFileEntries,
  environmentEntries,
  parseDuration,
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

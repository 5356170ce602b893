import { AimsError } from "../domain/errors.js";
import { PLUG_API_VERSION, type Plug, plugSchema } from "../domain/manifest.js";
import { NAME_PATTERN } from "../domain/names.js";
import { fieldPath, formatIssues } from "../domain/zodIssues.js";
import {
  COMPOSE_TIME_BUDGET_MS,
  type ComposeDocument,
  type ComposeFiles,
  type ComposeFinding,
  type ComposeReport,
} from "./composeModel.js";
import { envFileEntries } from "./composeValues.js";
import { Findings, Variables } from "./composeVariables.js";
import { readTopVolumes } from "./composeVolumes.js";
import { clip, parseCompose } from "./parseCompose.js";
import { type ImportedService, translateService } from "./translateService.js";

/** What the plug is called and which version this import makes. */
export interface ComposeTarget {
  id: string;
  /** The private plug's version number (1 for the first import under a name); the manifest says `N.0.0`. */
  version: number;
  /** Files uploaded with it (env files, `.env`), by path. */
  files?: ComposeFiles;
}

/** A compose file made into a plug: the manifest, and what changed or was ignored on the way. */
export interface ComposeTranslation {
  plug: Plug;
  report: ComposeReport;
}

const TOP_LEVEL_REPLACED: Record<string, string> = {
  networks: "every instance has its own network; custom networks are not created",
  name: "names the plug when the import gives it no other name",
};

const TOP_LEVEL_IGNORED: Record<string, string> = {
  version: "obsolete in Compose; not needed",
  configs: "configs are not supported: put the values in environment variables",
  secrets:
    "compose secrets are files on the server: use environment variables named *_PASSWORD, *_SECRET, *_TOKEN or *_KEY",
};

/**
 * Parses and translates a compose file in one call, within the time budget: what `aims plug import` and
 * `POST /v1/tenants/{t}/plugs` run. Refusals are one AimsError("invalid_input") naming each service, key and reason.
 * @example importCompose(text, { id: "shop", version: 1 }).plug.services.map((s) => s.name)
 */
export function importCompose(
  text: string,
  target: ComposeTarget,
  now: () => number = Date.now,
): ComposeTranslation {
  const started = now();
  const doc = parseCompose(text);
  checkBudget(started, now(), "parsing");
  const translation = translateCompose(doc, target);
  checkBudget(started, now(), "translating");
  return translation;
}

function checkBudget(started: number, at: number, stage: string): void {
  if (at - started > COMPOSE_TIME_BUDGET_MS)
    throw new AimsError(
      "invalid_input",
      `the compose file took longer than ${COMPOSE_TIME_BUDGET_MS} ms to read (while ${stage}); simplify it`,
    );
}

/** Translates a parsed compose file into a plug manifest (pure). */
export function translateCompose(doc: ComposeDocument, target: ComposeTarget): ComposeTranslation {
  const findings = new Findings();
  const files = target.files ?? {};
  const dotenv = new Map<string, string>();
  const dotenvText = files[".env"];
  if (dotenvText !== undefined) {
    const entries = envFileEntries(dotenvText);
    if (typeof entries === "string") findings.refuse(undefined, ".env", entries);
    else for (const [k, v] of entries) dotenv.set(k, v);
  }
  const variables = new Variables(findings, dotenv);
  for (const [key, value] of Object.entries(doc)) {
    if (key === "services" || key === "volumes" || key.startsWith("x-")) continue;
    if (key === "include")
      findings.refuse(
        undefined,
        key,
        "include reads other files on the server; put the services in this file",
      );
    else if (TOP_LEVEL_REPLACED[key]) findings.change(undefined, key, TOP_LEVEL_REPLACED[key]);
    else if (TOP_LEVEL_IGNORED[key]) findings.ignore(undefined, key, TOP_LEVEL_IGNORED[key]);
    else
      findings.ignore(
        undefined,
        key,
        `unknown key, not used (value ${clip(JSON.stringify(value) ?? "", 40)})`,
      );
  }
  readTopVolumes(doc.volumes, findings);
  const names = Object.keys(doc.services);
  const services: ImportedService[] = [];
  for (const name of names) {
    if (!NAME_PATTERN.test(name)) {
      findings.refuse(
        clip(name),
        "services",
        "a service name must be a DNS label (1-32 lowercase letters, digits or hyphens), since other services reach it by that name",
      );
      continue;
    }
    services.push(
      translateService(name, doc.services[name]!, { findings, variables, files, services: names }),
    );
  }
  checkSharedVolumes(services, findings);
  checkReplicas(services, findings);
  if (findings.refused.length) throw refusal(findings.refused);

  const manifest = {
    apiVersion: PLUG_API_VERSION,
    kind: "Plug",
    id: target.id,
    version: `${target.version}.0.0`,
    name: target.id,
    description: "Imported from a Docker Compose file",
    category: "platform",
    tags: ["compose"],
    inputs: variables.inputs(),
    secrets: [],
    services: services.map(toManifestService),
  };
  const parsed = plugSchema.safeParse(manifest);
  if (!parsed.success)
    throw new AimsError(
      "invalid_input",
      `the compose file cannot be imported: ${formatIssues(parsed.error, {
        fieldName: (path) => composeField(path, services),
      })}`,
    );
  return { plug: parsed.data, report: { changed: findings.changed, ignored: findings.ignored } };
}

/** The manifest's field path as the compose file names it: `services.1.env.X` → `service web environment.X`. */
function composeField(path: readonly PropertyKey[], services: ImportedService[]): string {
  if (path[0] === "services" && typeof path[1] === "number") {
    const rest = fieldPath(path.slice(2));
    return `service ${services[path[1]]?.name ?? path[1]}${rest ? ` ${rest}` : ""}`;
  }
  return fieldPath(path) || "the plug";
}

function toManifestService(s: ImportedService) {
  return {
    name: s.name,
    ...(s.image ? { image: s.image } : {}),
    ...(s.command ? { command: s.command } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    env: s.env,
    ports: s.ports,
    volumes: s.volumes.map((v) => ({ name: v.name, path: v.path, readOnly: v.readOnly })),
    ...(s.health ? { health: s.health } : {}),
    ...(s.resources ? { resources: s.resources } : {}),
    ...(s.user ? { user: s.user } : {}),
    runAsRoot: s.runAsRoot,
    capAdd: s.capAdd,
    dependsOn: s.dependsOn,
    ...(s.replicas && s.replicas > 1 ? { replicas: s.replicas } : {}),
    ...(s.workingDir ? { workingDir: s.workingDir } : {}),
    ...(s.stopSignal ? { stopSignal: s.stopSignal } : {}),
    ...(s.stopGracePeriodSeconds !== undefined ? { stopGracePeriodSeconds: s.stopGracePeriodSeconds } : {}),
    ...(s.labels ? { labels: s.labels } : {}),
  };
}

/** A named volume two services mount would be two volumes in AIMS (each service has its own): refused. */
function checkSharedVolumes(services: ImportedService[], findings: Findings): void {
  const owners = new Map<string, string>();
  for (const svc of services)
    for (const v of svc.volumes) {
      if (!v.composeName) continue;
      const owner = owners.get(v.composeName);
      if (owner && owner !== svc.name)
        findings.refuse(
          svc.name,
          "volumes",
          `volume ${v.composeName} is also mounted by ${owner}: in AIMS each service has its own volumes, so they would not share data`,
        );
      else owners.set(v.composeName, svc.name);
    }
}

function checkReplicas(services: ImportedService[], findings: Findings): void {
  for (const svc of services)
    if ((svc.replicas ?? 1) > 1 && svc.volumes.length)
      findings.refuse(
        svc.name,
        "deploy.replicas",
        "a service with volumes runs one replica (its replicas would not share the data)",
      );
}

/** One error naming every refused key: service, key, reason. */
function refusal(refused: ComposeFinding[]): AimsError {
  const lines = refused
    .slice(0, 20)
    .map((f) => `${f.service ? `service ${f.service}: ` : ""}${f.key}: ${f.reason}`);
  const more = refused.length > 20 ? `; and ${refused.length - 20} more` : "";
  return new ComposeRefusedError(refused, `the compose file cannot be imported: ${lines.join("; ")}${more}`);
}

/** A refused import: the message names each refusal; `refused` lists them for a machine. */
export class ComposeRefusedError extends AimsError {
  constructor(
    readonly refused: ComposeFinding[],
    message: string,
  ) {
    super("invalid_input", message);
  }
}

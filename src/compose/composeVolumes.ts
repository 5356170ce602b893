import type { Findings } from "./composeVariables.js";
import { isMapping } from "./parseCompose.js";

/** A volume of an imported service: its name inside the plug, where it is mounted, read-only or not. */
export interface ImportedVolume {
  name: string;
  /** The name the compose file gave it (absent for an anonymous volume). */
  composeName?: string;
  path: string;
  readOnly: boolean;
}

/** A compose volume name: letters, digits, `_`, `.`, `-`, not starting with `.`, `/` or `~` (those are host paths). */
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The plug's volume name for a compose volume name: a DNS label (`pg_data` → `pg-data`). */
export function plugVolumeName(composeName: string): string {
  const label = composeName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
  return label || "data";
}

/**
 * `volumes:` of a service: named volumes (`data:/var/lib/x`, `{type: volume, source, target}`); an anonymous
 * one (`/var/cache/x`) becomes a named volume of the instance. A host path (`./src:/app`, `/var/run/docker.sock`),
 * a `bind`, `npipe` or `cluster` mount is refused; `tmpfs` is listed as ignored.
 */
export function readVolumes(
  service: string,
  value: unknown,
  findings: Findings,
  out: ImportedVolume[],
): void {
  if (!Array.isArray(value)) {
    findings.refuse(service, "volumes", "must be a list");
    return;
  }
  let anonymous = 0;
  for (const entry of value) {
    const mount = isMapping(entry) ? longMount(entry) : shortMount(entry);
    if (typeof mount === "string") {
      findings.refuse(service, "volumes", mount);
      continue;
    }
    if (mount.kind === "tmpfs") {
      findings.ignore(
        service,
        "volumes",
        `tmpfs ${mount.target}: tmpfs mounts are not supported; the path stays in the container's own filesystem`,
      );
      continue;
    }
    if (!mount.target.startsWith("/")) {
      findings.refuse(
        service,
        "volumes",
        `mount target ${JSON.stringify(mount.target)} must be an absolute path`,
      );
      continue;
    }
    if (mount.source === undefined) {
      anonymous += 1;
      const name = `anon-${anonymous}`;
      findings.change(
        service,
        "volumes",
        `anonymous volume at ${mount.target} becomes the instance volume ${name}`,
      );
      out.push({ name, path: mount.target, readOnly: mount.readOnly });
    } else
      out.push({
        name: plugVolumeName(mount.source),
        composeName: mount.source,
        path: mount.target,
        readOnly: mount.readOnly,
      });
  }
  const names = out.map((v) => v.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) findings.refuse(service, "volumes", `mounts volume ${dup} twice; mount each volume once`);
}

type Mount = { kind: "volume" | "tmpfs"; source?: string; target: string; readOnly: boolean };

function hostPathReason(source: string): string {
  const socket = /docker\.sock$/.test(source)
    ? " (the Docker socket would give the service control of every container on the host)"
    : "";
  return `${source} is a path on the host${socket}: AIMS never mounts the server's disk into a service; use a named volume (name:/path)`;
}

function shortMount(entry: unknown): Mount | string {
  if (typeof entry !== "string") return `${JSON.stringify(entry)} is not a volume like name:/path`;
  const pieces = entry.split(":");
  if (pieces.length === 1) return { kind: "volume", target: entry, readOnly: false };
  const [source, target, mode = ""] = pieces as [string, string, string?];
  if (pieces.length > 3 || !target) return `${entry} is not a volume like name:/path[:ro]`;
  if (!VOLUME_NAME.test(source)) return hostPathReason(source);
  const flags = mode.split(",");
  return { kind: "volume", source, target, readOnly: flags.includes("ro") };
}

function longMount(entry: Record<string, unknown>): Mount | string {
  const type = entry.type ?? "volume";
  const target = typeof entry.target === "string" ? entry.target : undefined;
  if (!target) return "a volume in the long syntax needs a `target` path";
  const source = typeof entry.source === "string" && entry.source ? entry.source : undefined;
  if (type === "tmpfs") return { kind: "tmpfs", target, readOnly: false };
  if (type === "bind") return hostPathReason(source ?? "(bind mount)");
  if (type !== "volume") return `a ${String(type)} mount is not supported; use a named volume`;
  if (source && !VOLUME_NAME.test(source)) return hostPathReason(source);
  return { kind: "volume", ...(source ? { source } : {}), target, readOnly: entry.read_only === true };
}

/**
 * Top-level `volumes:`: each declared volume may only be a plain local volume. `external`, another driver or
 * `driver_opts` (which can bind a host directory) are refused.
 */
export function readTopVolumes(value: unknown, findings: Findings): void {
  if (value === undefined || value === null) return;
  if (!isMapping(value)) {
    findings.refuse(undefined, "volumes", "must be a mapping of volume names");
    return;
  }
  for (const [name, spec] of Object.entries(value)) {
    if (spec === null || spec === undefined) continue;
    if (!isMapping(spec)) {
      findings.refuse(undefined, `volumes.${name}`, "must be empty or a mapping");
      continue;
    }
    for (const [key, v] of Object.entries(spec)) {
      if (key.startsWith("x-")) continue;
      if (key === "external" && v)
        findings.refuse(
          undefined,
          `volumes.${name}.external`,
          "an external volume lives outside the instance; AIMS creates each volume for its instance",
        );
      else if (key === "driver" && v !== "local")
        findings.refuse(
          undefined,
          `volumes.${name}.driver`,
          `volume driver ${String(v)} is not supported; volumes are the engine's local volumes`,
        );
      else if (key === "driver_opts")
        findings.refuse(
          undefined,
          `volumes.${name}.driver_opts`,
          "driver options can mount a host directory or a network share; AIMS refuses them",
        );
      else if (key === "name" || key === "labels")
        findings.change(
          undefined,
          `volumes.${name}.${key}`,
          "AIMS names and labels each volume for its instance",
        );
      else if (key !== "external" && key !== "driver")
        findings.ignore(undefined, `volumes.${name}.${key}`, "unknown key, not used");
    }
  }
}

import { createHash } from "node:crypto";

/** One file of a build context: its relative POSIX path and its bytes. */
export interface ContextFile {
  path: string;
  bytes: Uint8Array;
}

/** What names a plug service's locally built image. */
export interface PlugImageName {
  plugId: string;
  service: string;
  version: string;
}

/**
 * sha256 (hex) over the context's files sorted by path; each file is framed by its path and length, so
 * moving bytes between files or renaming a file changes the hash.
 */
export function contextHash(files: ContextFile[]): string {
  const hash = createHash("sha256");
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    hash.update(`${file.path}\0${file.bytes.byteLength}\0`);
    hash.update(file.bytes);
  }
  return hash.digest("hex");
}

/**
 * The tag of a plug service image: content-addressed, so an edited context gets a new tag and an
 * unchanged one is never rebuilt.
 * @example plugImageTag({ plugId: "node-api", service: "api", version: "1.0.0" }, "ab12…") // "aims-plug/node-api-api:1.0.0-ab12…"
 */
export function plugImageTag(name: PlugImageName, hash: string): string {
  return `${plugImageRepository(name)}:${name.version}-${hash.slice(0, 12)}`;
}

/** The repository every build of a plug service is tagged in, whatever its version and context. */
export function plugImageRepository(name: Pick<PlugImageName, "plugId" | "service">): string {
  return `aims-plug/${name.plugId}-${name.service}`;
}

/** The images a Dockerfile builds FROM, without `scratch` and without references to its own stages. */
export function dockerfileBases(dockerfile: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const line of dockerfile.split(/\r?\n/)) {
    const match = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!match?.[1]) continue;
    const ref = match[1];
    if (ref !== "scratch" && !stages.has(ref.toLowerCase()) && !bases.includes(ref)) bases.push(ref);
    if (match[2]) stages.add(match[2].toLowerCase());
  }
  return bases;
}

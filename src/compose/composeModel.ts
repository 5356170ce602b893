/**
 * The shapes of a Docker Compose file as AIMS reads it, and of what an import reports. Shared by the importer
 * (parseCompose, translateCompose) and whatever writes compose files later. Pure: types and constants only.
 */

/** A compose file after YAML parsing: only `services` is required; every value is still unchecked. */
export interface ComposeDocument {
  name?: unknown;
  version?: unknown;
  services: Record<string, ComposeService>;
  volumes?: unknown;
  networks?: unknown;
  [key: string]: unknown;
}

/** One service of a compose file, unchecked: each key is read by its own translator. */
export type ComposeService = Record<string, unknown>;

/** One thing the import says about a key: where (`service`, or the file), which key, and why. */
export interface ComposeFinding {
  /** The service it is about; absent for a top-level key. */
  service?: string;
  /** The key as the compose file writes it: `ports`, `deploy.resources.limits.memory`, `networks`. */
  key: string;
  reason: string;
}

/**
 * What an import reports besides the plug: `changed` lists what AIMS does differently from Compose (a fixed
 * host port replaced by an allocated one, custom networks replaced by the instance's own), `ignored` lists
 * keys it does not use (unknown or unsupported), so nothing is dropped silently.
 */
export interface ComposeReport {
  changed: ComposeFinding[];
  ignored: ComposeFinding[];
}

/** Files uploaded with the compose file, by the path it names them with (`env_file: ./app.env`). */
export type ComposeFiles = Readonly<Record<string, string>>;

/** Largest compose file AIMS reads (bytes of UTF-8). */
export const MAX_COMPOSE_BYTES = 256 * 1024;

/** Most aliases (`*name`) a compose file may use: enough for anchors and merge keys, too few for a "billion laughs". */
export const MAX_COMPOSE_ALIASES = 200;

/** Most services one compose file may hold. */
export const MAX_COMPOSE_SERVICES = 20;

/** Longest an import may spend parsing and translating one file. */
export const COMPOSE_TIME_BUDGET_MS = 2000;

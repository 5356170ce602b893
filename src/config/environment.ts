import { AimsError } from "../domain/errors.js";

/** One environment variable: the config key it sets (a dotted path) and how its text becomes a value. */
export interface EnvironmentVariable {
  name: string;
  /** Where the value goes, e.g. `api.port`; environment wins over config.yaml for this key. */
  path: string;
  /** Turns the (non-empty) text into the value; undefined sets nothing. Throws AimsError on bad text. */
  parse: (text: string, name: string) => unknown;
  /** A credential: never written where others can read it (a systemd unit is world-readable). */
  secret?: true;
}

/** A variable of the table that is set, with its text: a setting that came from the environment. */
export interface EnvironmentSetting {
  name: string;
  path: string;
  text: string;
  secret: boolean;
}

/** The variable that names the config file (`--config` wins); it sets no key of its own. */
export const CONFIG_FILE_VARIABLE = "AIMS_CONFIG";

const text = (value: string) => value;
/** A number, checked by the schema (so `abc` is refused as NaN with the key named). */
const number = (value: string) => Number(value);
/** Only the word `false` turns it off. */
const unlessFalse = (value: string) => value !== "false";
/** Only `1` turns it on. */
const onlyOne = (value: string) => value === "1";

function onOff(value: string, name: string): boolean {
  const v = value.trim().toLowerCase();
  if (!["on", "off", "true", "false", "1", "0"].includes(v))
    throw new AimsError("invalid_input", `${name} must be on or off, got "${value}"`);
  return ["on", "true", "1"].includes(v);
}

/** `51000-51999`. */
function portRange(value: string, name: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  if (!m) throw new AimsError("invalid_input", `${name} must look like 51000-51999, got "${value}"`);
  return { min: Number(m[1]), max: Number(m[2]) };
}

/** `upstream=local,upstream=local`; it replaces config.yaml's map as a whole. */
function imageMap(value: string, name: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of value.split(",").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new AimsError("invalid_input", `${name} entries look like upstream=local, got "${pair}"`);
    map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return map;
}

/** `a,b`: a list that replaces config.yaml's as a whole. */
const commaList = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** `dir:dir`, like PATH. */
const pathList = (value: string) => value.split(":").filter(Boolean);

/** Docker's own `DOCKER_HOST=unix:///path`; the `unix://` prefix is dropped. */
const dockerHost = (value: string) => value.replace(/^unix:\/\//, "") || undefined;

/**
 * Every environment variable AIMS reads, one row each. When two rows set the same key, the later one
 * wins (AIMS_DOCKER_SOCKET over DOCKER_HOST). README.md's configuration table lists the same variables
 * (src/config/environment.test.ts checks it); the `testHooks` rows are for tests and are not documented.
 */
export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: "AIMS_DATA_DIR", path: "dataDir", parse: text },
  { name: "AIMS_DATABASE_URL", path: "databaseUrl", parse: text },
  { name: "DOCKER_HOST", path: "dockerSocket", parse: dockerHost },
  { name: "AIMS_DOCKER_SOCKET", path: "dockerSocket", parse: text },
  { name: "AIMS_PORT_RANGE", path: "ports", parse: portRange },
  { name: "AIMS_BIND_ADDRESS", path: "bindAddress", parse: text },
  { name: "AIMS_NETWORK_POOL", path: "networkPool", parse: number },
  { name: "AIMS_HEALTH_TIMEOUT_MS", path: "health.timeoutMs", parse: number },
  { name: "AIMS_PULL_TIMEOUT_MS", path: "pullTimeoutMs", parse: number },
  { name: "AIMS_IMAGE_OVERRIDES", path: "imageOverrides", parse: imageMap },
  { name: "AIMS_LIMIT_CPU", path: "limits.cpu", parse: number },
  { name: "AIMS_LIMIT_MEMORY", path: "limits.memory", parse: text },
  { name: "AIMS_LIMIT_PIDS", path: "limits.pids", parse: number },
  { name: "AIMS_DEFAULT_PLAN", path: "defaultPlan", parse: text },
  { name: "AIMS_TENANTS_PER_USER", path: "tenantsPerUser", parse: number },
  { name: "AIMS_MEMORY_OVERCOMMIT", path: "capacity.memoryOvercommit", parse: number },
  { name: "AIMS_ALLOWED_IMAGE_REPOSITORIES", path: "allowedImageRepositories", parse: commaList },
  { name: "AIMS_CATALOG_DIRS", path: "catalogDirs", parse: pathList },
  { name: "AIMS_MASTER_KEY", path: "masterKey", parse: text, secret: true },
  { name: "AIMS_RESTART_MAX_RETRIES", path: "restart.maxRetries", parse: number },
  { name: "AIMS_RESTART_BACKOFF_MS", path: "restart.backoffMs", parse: number },
  { name: "AIMS_RECONCILE_INTERVAL_MS", path: "reconcile.intervalMs", parse: number },
  { name: "AIMS_FIREWALL", path: "firewall.enabled", parse: onOff },
  { name: "AIMS_MONITOR", path: "monitor.enabled", parse: onOff },
  { name: "AIMS_MONITOR_INTERVAL_MS", path: "monitor.intervalMs", parse: number },
  { name: "AIMS_AUTOSCALE", path: "autoscale.enabled", parse: onOff },
  { name: "AIMS_LOG_LEVEL", path: "logLevel", parse: text },
  { name: "AIMS_APPROVAL_TTL_MINUTES", path: "approvals.ttlMinutes", parse: number },
  { name: "AIMS_API_HOST", path: "api.host", parse: text },
  { name: "AIMS_API_PORT", path: "api.port", parse: number },
  { name: "AIMS_API_SECURE_COOKIES", path: "api.secureCookies", parse: unlessFalse },
  { name: "AIMS_API_RATE_LIMIT", path: "api.rateLimit.enabled", parse: onOff },
  { name: "AIMS_API_RATE_LIMIT_PER_MINUTE", path: "api.rateLimit.perMinute", parse: number },
  { name: "AIMS_PROXY", path: "proxy.enabled", parse: onOff },
  { name: "AIMS_PROXY_PORT", path: "proxy.port", parse: number },
  { name: "AIMS_PROXY_TLS_PORT", path: "proxy.tlsPort", parse: number },
  { name: "AIMS_PROXY_BIND", path: "proxy.bindAddress", parse: text },
  { name: "AIMS_BASE_DOMAIN", path: "proxy.baseDomain", parse: text },
  { name: "AIMS_PROXY_PATH_ROUTING", path: "proxy.pathRouting", parse: onOff },
  { name: "AIMS_PROXY_BODY_LIMIT", path: "proxy.bodyLimit", parse: text },
  { name: "AIMS_PROXY_CERT_DIR", path: "proxy.certDir", parse: text },
  { name: "AIMS_NGINX", path: "proxy.nginxBinary", parse: text },
  { name: "AIMS_URL", path: "remote.url", parse: text },
  { name: "AIMS_API_KEY", path: "remote.apiKey", parse: text, secret: true },
  { name: "AIMS_TEST_CRASH_AT", path: "testHooks.crashAt", parse: text },
  { name: "AIMS_TEST_PROXY_CORRUPT", path: "testHooks.corruptProxyCandidate", parse: onlyOne },
  { name: "AIMS_TEST_RATE_LIMIT_WINDOW_MS", path: "testHooks.rateLimitWindowMs", parse: number },
];

/** The variables of the table set in `env`, in the table's order; empty variables count as unset. */
export function environmentSettings(env: NodeJS.ProcessEnv): EnvironmentSetting[] {
  return ENVIRONMENT.flatMap((variable) => {
    const text = env[variable.name];
    if (text === undefined || text === "") return [];
    return [{ name: variable.name, path: variable.path, text, secret: variable.secret === true }];
  });
}

/** The config shape the environment sets, by the table above; empty variables count as unset. */
export function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const variable of ENVIRONMENT) {
    const raw = env[variable.name];
    if (raw === undefined || raw === "") continue;
    const value = variable.parse(raw, variable.name);
    if (value !== undefined) setPath(out, variable.path.split("."), value);
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === "object" && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

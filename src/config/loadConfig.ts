import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { z } from "zod";
import { AimsError } from "../domain/errors.js";
import { fieldPath, formatIssues } from "../domain/zodIssues.js";
import { parseYaml } from "../parseYaml.js";
import { CONFIG_FILE_VARIABLE, environmentSettings, fromEnvironment } from "./environment.js";
import { type AimsConfig, configSchema, proxyPathSchema } from "./schema.js";

export interface LoadConfigOptions {
  /** Explicit config file (`--config`); otherwise `<dataDir>/config.yaml` when it exists. */
  configFile?: string;
  /** The environment to read (the entry in src/config.ts passes this process's). */
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything (tests pass config objects). */
  overrides?: Record<string, unknown>;
}

/**
 * Parses configuration once: overrides > env > config.yaml > defaults. Throws AimsError("invalid_input")
 * naming the bad field, or the key config.yaml has that the schema does not know. The result says which
 * variables were set (`environment`), so a service can be started with the same settings.
 */
export function loadConfig(options: LoadConfigOptions = {}): AimsConfig {
  const env = options.env ?? {};
  const fromEnv = fromEnvironment(env);
  const dataDirGuess = String(options.overrides?.dataDir ?? fromEnv.dataDir ?? join(homedir(), ".aims"));
  const file = options.configFile ?? env[CONFIG_FILE_VARIABLE] ?? join(dataDirGuess, "config.yaml");
  const fromFile = readConfigFile(file, options.configFile !== undefined);
  const merged = deepMerge(
    deepMerge({ dataDir: dataDirGuess, ...fromFile }, fromEnv),
    options.overrides ?? {},
  );
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new AimsError("invalid_input", describeIssues(parsed.error, fromFile, file));
  const dataDir = resolve(parsed.data.dataDir);
  checkProxy(dataDir, parsed.data.proxy, parsed.data.ports);
  return {
    ...parsed.data,
    dataDir,
    databaseUrl: parsed.data.databaseUrl ?? `sqlite://${join(dataDir, "aims.db")}`,
    configFile: existsSync(file) ? file : undefined,
    environment: environmentSettings(env),
  };
}

/** The file's keys; nothing when the default file does not exist, an error when a named one does not. */
function readConfigFile(file: string, named: boolean): Record<string, unknown> {
  if (!existsSync(file)) {
    if (named) throw new AimsError("invalid_input", `config file ${file} does not exist`);
    return {};
  }
  let content: unknown;
  try {
    content = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw new AimsError("invalid_input", `config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (content === null || content === undefined) return {};
  if (!isPlainObject(content))
    throw new AimsError(
      "invalid_input",
      `config file ${file} must be a mapping of keys, like "logLevel: info"`,
    );
  return content;
}

/**
 * One sentence for the failed parse. Unknown keys come first and alone: a typo (`prot:`) is the likely
 * cause of whatever else failed, and they are named with their whole path and the file they are in.
 */
function describeIssues(error: z.ZodError, fromFile: Record<string, unknown>, file: string): string {
  const unknown = error.issues.flatMap((i) =>
    i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path.map(String), k]) : [],
  );
  if (unknown.length === 0) {
    const detail = formatIssues(error, { fieldName: (path) => fieldPath(path) || "the configuration" });
    return `invalid configuration: ${detail}`;
  }
  const inFile = unknown.filter((path) => hasPath(fromFile, path)).map((path) => path.join("."));
  const elsewhere = unknown.filter((path) => !hasPath(fromFile, path)).map((path) => path.join("."));
  const plural = (keys: string[]) => (keys.length === 1 ? "key" : "keys");
  const sentences = [
    ...(inFile.length ? [`config.yaml: unknown ${plural(inFile)} ${inFile.join(", ")} in ${file}`] : []),
    ...(elsewhere.length ? [`unknown configuration ${plural(elsewhere)} ${elsewhere.join(", ")}`] : []),
  ];
  return sentences.join("; ");
}

function hasPath(value: unknown, path: string[]): boolean {
  let node = value;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return true;
}

/**
 * The proxy's settings that depend on others: its ports must differ and stay out of the instance port
 * range, and its files live under the data dir, whose path therefore reaches nginx's config.
 */
function checkProxy(
  dataDir: string,
  proxy: { enabled: boolean; port: number; tlsPort: number },
  ports: { min: number; max: number },
): void {
  if (!proxy.enabled) return;
  if (proxy.port === proxy.tlsPort)
    throw new AimsError("invalid_input", "invalid configuration: proxy.port and proxy.tlsPort must differ");
  for (const [key, port] of [
    ["proxy.port", proxy.port],
    ["proxy.tlsPort", proxy.tlsPort],
  ] as const)
    if (port >= ports.min && port <= ports.max)
      throw new AimsError(
        "invalid_input",
        `invalid configuration: ${key} ${port} is inside the instance port range ${ports.min}-${ports.max}`,
      );
  if (!proxyPathSchema.safeParse(dataDir).success)
    throw new AimsError(
      "invalid_input",
      `invalid configuration: dataDir ${JSON.stringify(dataDir)} cannot hold the proxy's files: use a path of letters, digits, spaces and ._/@+=,~- only, or set proxy.enabled: false`,
    );
  // The control socket's path must fit in sockaddr_un (108 bytes).
  if (`${dataDir}/proxy/run/control.sock`.length > 100)
    throw new AimsError(
      "invalid_input",
      `invalid configuration: dataDir ${dataDir} is too long for the proxy's control socket (at most 76 characters), or set proxy.enabled: false`,
    );
}

/** Objects merge key by key; anything else (and `imageOverrides`, a map) replaces what is below it. */
function deepMerge(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const prev = out[key];
    out[key] =
      isPlainObject(prev) && isPlainObject(value) && key !== "imageOverrides"
        ? deepMerge(prev, value)
        : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

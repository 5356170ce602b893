import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import * as z from "zod";
import { AimsError } from "./domain/errors.js";
import { parseYaml } from "./parseYaml.js";

const portRange = z
  .object({ min: z.number().int().min(1024).max(65535), max: z.number().int().min(1024).max(65535) })
  .refine((r) => r.min <= r.max, { message: "ports.min must not exceed ports.max" });

const apiDefaults = {
  host: "127.0.0.1",
  port: 7700,
  secureCookies: true,
  sessionTtlHours: 168,
  invitationTtlHours: 168,
  sseHeartbeatMs: 15_000,
  eventPollMs: 100,
  trustProxy: false,
  passwordHashing: { memoryKiB: 19_456, iterations: 2 },
};

const apiSchema = z.object({
  /** Address the API listens on; anything but loopback exposes it to the network (put TLS in front). */
  host: z.union([z.ipv4(), z.ipv6(), z.literal("localhost")]).default(apiDefaults.host),
  port: z.number().int().min(0).max(65535).default(apiDefaults.port),
  /** Session cookies carry `Secure` (browsers still send them to http://localhost); false only for plain-HTTP tests. */
  secureCookies: z.boolean().default(apiDefaults.secureCookies),
  sessionTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(apiDefaults.sessionTtlHours),
  invitationTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(apiDefaults.invitationTtlHours),
  /** Comment lines on idle event streams so proxies and clients know the stream is alive. */
  sseHeartbeatMs: z.number().int().min(100).max(300_000).default(apiDefaults.sseHeartbeatMs),
  /** How often the event fan-out reads new rows written by other processes (the CLI, the reconciler). */
  eventPollMs: z.number().int().min(10).max(10_000).default(apiDefaults.eventPollMs),
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy: z.boolean().default(apiDefaults.trustProxy),
  /** argon2id cost; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). */
  passwordHashing: z
    .object({
      memoryKiB: z.number().int().min(1024).max(1_048_576).default(apiDefaults.passwordHashing.memoryKiB),
      iterations: z.number().int().min(1).max(20).default(apiDefaults.passwordHashing.iterations),
    })
    .default(apiDefaults.passwordHashing),
});

/** A host name of DNS labels (lowercase letters, digits, hyphens), like `localhost` or `apps.example.com`. */
const baseDomainSchema = z
  .string()
  .max(180)
  .regex(
    /^(?=.{1,180}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    "must be a host name of lowercase DNS labels, like localhost or apps.example.com",
  );

/** An absolute path nginx can take as a quoted string: no quotes, `$`, `;`, braces, `#` or backslashes. */
const proxyPathSchema = z
  .string()
  .regex(
    /^\/[A-Za-z0-9 ._/@+=,~-]*$/,
    "must be an absolute path of letters, digits, spaces and ._/@+=,~- only",
  );

const proxyDefaults = {
  enabled: true,
  port: 8080,
  tlsPort: 8443,
  bindAddress: "127.0.0.1",
  baseDomain: "localhost",
  bodyLimit: "10m",
  certDir: "/etc/letsencrypt",
  nginxBinary: "/usr/sbin/nginx",
  workerProcesses: "auto" as const,
  reloadTimeoutMs: 10_000,
};

const proxySchema = z.object({
  /** AIMS's own nginx (its config tree and pid file live in `<dataDir>/proxy/`); false (AIMS_PROXY=off) runs none. */
  enabled: z.boolean().default(proxyDefaults.enabled),
  port: z.number().int().min(1).max(65535).default(proxyDefaults.port),
  /** Listened on only when a certificate exists for some routed host. */
  tlsPort: z.number().int().min(1).max(65535).default(proxyDefaults.tlsPort),
  bindAddress: z.union([z.ipv4(), z.ipv6()]).default(proxyDefaults.bindAddress),
  /** Instances answer at `<instance>.<tenant>.<baseDomain>`; `localhost` needs no DNS in a browser. */
  baseDomain: baseDomainSchema.default(proxyDefaults.baseDomain),
  /** Largest request body (nginx size: bytes, or a number with k or m). */
  bodyLimit: z
    .string()
    .regex(/^[1-9][0-9]{0,8}[km]?$/, "must be a size like 10m, 512k or 1048576")
    .default(proxyDefaults.bodyLimit),
  /** certbot's directory: `live/<host>/fullchain.pem` + `privkey.pem` turn TLS on for that host. */
  certDir: proxyPathSchema.default(proxyDefaults.certDir),
  nginxBinary: z.string().min(1).default(proxyDefaults.nginxBinary),
  workerProcesses: z
    .union([z.literal("auto"), z.number().int().min(1).max(64)])
    .default(proxyDefaults.workerProcesses),
  /** How long an apply waits for nginx to serve the new configuration. */
  reloadTimeoutMs: z.number().int().min(500).max(120_000).default(proxyDefaults.reloadTimeoutMs),
  /** Test hook: every rendered candidate gets a broken directive, so validation must reject it. */
  testCorruptCandidate: z.boolean().default(false),
});

/**
 * CLI remote mode: the AIMS whose HTTP API the CLI talks to instead of the local data dir. The key is a
 * credential: it is sent only as a bearer token to this URL and never logged or printed.
 */
const remoteSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: "AIMS_URL must be an http(s) URL like http://127.0.0.1:7700" })
    .transform((u) => u.replace(/\/+$/, "")),
  apiKey: z
    .string({ error: "set AIMS_API_KEY (an API key of the AIMS at AIMS_URL) together with AIMS_URL" })
    .min(1, "AIMS_API_KEY is empty"),
});

/** The one configuration schema. Precedence: environment > config.yaml > these defaults. */
export const configSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: z.string().min(1).optional(),
  dockerSocket: z.string().min(1).default("/var/run/docker.sock"),
  ports: portRange.default({ min: 51000, max: 51999 }),
  bindAddress: z.union([z.ipv4(), z.ipv6()]).default("127.0.0.1"),
  health: z
    .object({
      /** First poll delay; polls back off from here to intervalMs. */
      initialIntervalMs: z.number().int().min(5).max(10_000).default(25),
      intervalMs: z.number().int().min(50).max(60_000).default(1000),
      timeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      probeTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
    })
    .default({ initialIntervalMs: 25, intervalMs: 1000, timeoutMs: 60_000, probeTimeoutMs: 2000 }),
  pullTimeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
  /** Map an upstream image to a local one (air-gapped installs, tests): `{ "redis:7.2.4": "local/redis:7" }`. */
  imageOverrides: z.record(z.string(), z.string()).default({}),
  /** Directories of plug manifests (`*.yaml`); the built-in catalog is always first. */
  catalogDirs: z.array(z.string()).default([]),
  /** Base64 of 32 bytes; when absent a key file is generated in the data dir (mode 0600). */
  masterKey: z.string().optional(),
  /** The reconciler is the one restarter of crashed containers (Docker's restart policy is `no`). */
  restart: z
    .object({
      maxRetries: z.number().int().min(0).max(100).default(5),
      backoffMs: z.number().int().min(10).max(600_000).default(1000),
      /** A container that ran this long before crashing starts a fresh retry count. */
      stableAfterMs: z.number().int().min(1000).max(86_400_000).default(60_000),
    })
    .default({ maxRetries: 5, backoffMs: 1000, stableAfterMs: 60_000 }),
  reconcile: z
    .object({
      intervalMs: z.number().int().min(200).max(3_600_000).default(5000),
      concurrency: z.number().int().min(1).max(64).default(4),
    })
    .default({ intervalMs: 5000, concurrency: 4 }),
  /** Test hook: the step boundary at which the process SIGKILLs itself (crash-safety tests only). */
  testCrashAt: z.string().optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
  /** The HTTP API (`aims serve`). */
  api: apiSchema.default(apiDefaults),
  /** The reverse proxy in front of every instance (docs/routing.md). */
  proxy: proxySchema.default({ ...proxyDefaults, testCorruptCandidate: false }),
  /** Set (AIMS_URL + AIMS_API_KEY): the CLI goes through this AIMS's HTTP API, not the local data dir. */
  remote: remoteSchema.optional(),
});

export type AimsConfig = z.infer<typeof configSchema> & { databaseUrl: string; configFile?: string };

/** Reads one environment variable group into the partial config shape. */
function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== "") out[key] = value;
  };
  set("dataDir", env.AIMS_DATA_DIR);
  set("databaseUrl", env.AIMS_DATABASE_URL);
  set("dockerSocket", env.AIMS_DOCKER_SOCKET ?? env.DOCKER_HOST?.replace(/^unix:\/\//, ""));
  set("bindAddress", env.AIMS_BIND_ADDRESS);
  set("masterKey", env.AIMS_MASTER_KEY);
  set("logLevel", env.AIMS_LOG_LEVEL);
  const api: Record<string, unknown> = {};
  if (env.AIMS_API_HOST) api.host = env.AIMS_API_HOST;
  if (env.AIMS_API_PORT) api.port = Number(env.AIMS_API_PORT);
  if (env.AIMS_API_SECURE_COOKIES) api.secureCookies = env.AIMS_API_SECURE_COOKIES !== "false";
  if (Object.keys(api).length) out.api = api;
  if (env.AIMS_PULL_TIMEOUT_MS) set("pullTimeoutMs", Number(env.AIMS_PULL_TIMEOUT_MS));
  if (env.AIMS_PORT_RANGE) {
    const m = /^(\d+)-(\d+)$/.exec(env.AIMS_PORT_RANGE.trim());
    if (!m)
      throw new AimsError(
        "invalid_input",
        `AIMS_PORT_RANGE must look like 51000-51999, got "${env.AIMS_PORT_RANGE}"`,
      );
    out.ports = { min: Number(m[1]), max: Number(m[2]) };
  }
  if (env.AIMS_IMAGE_OVERRIDES) {
    const map: Record<string, string> = {};
    for (const pair of env.AIMS_IMAGE_OVERRIDES.split(",").filter(Boolean)) {
      const eq = pair.indexOf("=");
      if (eq <= 0)
        throw new AimsError(
          "invalid_input",
          `AIMS_IMAGE_OVERRIDES entries look like upstream=local, got "${pair}"`,
        );
      map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    out.imageOverrides = map;
  }
  if (env.AIMS_CATALOG_DIRS) out.catalogDirs = env.AIMS_CATALOG_DIRS.split(":").filter(Boolean);
  if (env.AIMS_HEALTH_TIMEOUT_MS) out.health = { timeoutMs: Number(env.AIMS_HEALTH_TIMEOUT_MS) };
  if (env.AIMS_RESTART_BACKOFF_MS || env.AIMS_RESTART_MAX_RETRIES) {
    out.restart = {
      ...(env.AIMS_RESTART_BACKOFF_MS ? { backoffMs: Number(env.AIMS_RESTART_BACKOFF_MS) } : {}),
      ...(env.AIMS_RESTART_MAX_RETRIES ? { maxRetries: Number(env.AIMS_RESTART_MAX_RETRIES) } : {}),
    };
  }
  if (env.AIMS_RECONCILE_INTERVAL_MS) out.reconcile = { intervalMs: Number(env.AIMS_RECONCILE_INTERVAL_MS) };
  set("testCrashAt", env.AIMS_TEST_CRASH_AT);
  const remote: Record<string, unknown> = {};
  if (env.AIMS_URL) remote.url = env.AIMS_URL;
  if (env.AIMS_API_KEY) remote.apiKey = env.AIMS_API_KEY;
  if (Object.keys(remote).length) out.remote = remote;
  const proxy = proxyFromEnvironment(env);
  if (Object.keys(proxy).length) out.proxy = proxy;
  return out;
}

/** AIMS_PROXY=off|on, AIMS_PROXY_PORT, AIMS_PROXY_BIND, AIMS_BASE_DOMAIN, AIMS_PROXY_BODY_LIMIT, AIMS_PROXY_CERT_DIR, AIMS_NGINX. */
function proxyFromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const proxy: Record<string, unknown> = {};
  if (env.AIMS_PROXY) {
    const v = env.AIMS_PROXY.trim().toLowerCase();
    if (!["on", "off", "true", "false", "1", "0"].includes(v))
      throw new AimsError("invalid_input", `AIMS_PROXY must be on or off, got "${env.AIMS_PROXY}"`);
    proxy.enabled = ["on", "true", "1"].includes(v);
  }
  if (env.AIMS_PROXY_PORT) proxy.port = Number(env.AIMS_PROXY_PORT);
  if (env.AIMS_PROXY_TLS_PORT) proxy.tlsPort = Number(env.AIMS_PROXY_TLS_PORT);
  if (env.AIMS_PROXY_BIND) proxy.bindAddress = env.AIMS_PROXY_BIND;
  if (env.AIMS_BASE_DOMAIN) proxy.baseDomain = env.AIMS_BASE_DOMAIN;
  if (env.AIMS_PROXY_BODY_LIMIT) proxy.bodyLimit = env.AIMS_PROXY_BODY_LIMIT;
  if (env.AIMS_PROXY_CERT_DIR) proxy.certDir = env.AIMS_PROXY_CERT_DIR;
  if (env.AIMS_NGINX) proxy.nginxBinary = env.AIMS_NGINX;
  if (env.AIMS_TEST_PROXY_CORRUPT) proxy.testCorruptCandidate = env.AIMS_TEST_PROXY_CORRUPT === "1";
  return proxy;
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

export interface LoadConfigOptions {
  /** Explicit config file (`--config`); otherwise `<dataDir>/config.yaml` when it exists. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything (tests pass config objects). */
  overrides?: Record<string, unknown>;
}

/** Parses configuration once: env > config.yaml > defaults. Throws AimsError("invalid_input") naming the bad field. */
export function loadConfig(options: LoadConfigOptions = {}): AimsConfig {
  const env = options.env ?? process.env;
  const fromEnv = fromEnvironment(env);
  const dataDirGuess = String(options.overrides?.dataDir ?? fromEnv.dataDir ?? join(homedir(), ".aims"));
  const file = options.configFile ?? env.AIMS_CONFIG ?? join(dataDirGuess, "config.yaml");
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = (parseYaml(readFileSync(file, "utf8")) as Record<string, unknown>) ?? {};
    } catch (err) {
      throw new AimsError(
        "invalid_input",
        `config file ${file} is not valid YAML: ${(err as Error).message}`,
      );
    }
  } else if (options.configFile) {
    throw new AimsError("invalid_input", `config file ${options.configFile} does not exist`);
  }
  const merged = deepMerge(
    deepMerge({ dataDir: dataDirGuess, ...fromFile }, fromEnv),
    options.overrides ?? {},
  );
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
    throw new AimsError("invalid_input", `invalid configuration: ${detail}`);
  }
  const dataDir = resolve(parsed.data.dataDir);
  checkProxy(dataDir, parsed.data.proxy, parsed.data.ports);
  return {
    ...parsed.data,
    dataDir,
    databaseUrl: parsed.data.databaseUrl ?? `sqlite://${join(dataDir, "aims.db")}`,
    configFile: existsSync(file) ? file : undefined,
  };
}

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

import * as z from "zod";
import { memorySchema } from "../domain/manifest.js";
import { planNameSchema, planOverrideSchema } from "../domain/plans.js";
import type { EnvironmentSetting } from "./environment.js";

// Every default is written once, on its field. An object whose fields all have defaults takes
// `.prefault({})`: zod 4's `.default()` would return its value unparsed, so the defaults would have to be
// written a second time as a whole object.

/** An absolute path nginx can take as a quoted string: no quotes, `$`, `;`, braces, `#` or backslashes. */
export const proxyPathSchema = z
  .string()
  .regex(
    /^\/[A-Za-z0-9 ._/@+=,~-]*$/,
    "must be an absolute path of letters, digits, spaces and ._/@+=,~- only",
  );

/** A host name of DNS labels (lowercase letters, digits, hyphens), like `localhost` or `apps.example.com`. */
const baseDomainSchema = z
  .string()
  .max(180)
  .regex(
    /^(?=.{1,180}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    "must be a host name of lowercase DNS labels, like localhost or apps.example.com",
  );

const portRange = z
  .strictObject({
    min: z.number().int().min(1024).max(65535),
    max: z.number().int().min(1024).max(65535),
  })
  .refine((r) => r.min <= r.max, { message: "ports.min must not exceed ports.max" });

const apiSchema = z.strictObject({
  /** Address the API listens on; anything but loopback exposes it to the network (put TLS in front). */
  host: z.union([z.ipv4(), z.ipv6(), z.literal("localhost")]).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(7700),
  /**
   * Session cookies are `__Host-aims_session` / `__Host-aims_csrf` with `Secure` (browsers still send them to
   * http://localhost). False (plain HTTP on a LAN) drops `Secure` and with it the `__Host-` prefix: the
   * cookies stay host-only, but a sibling host may then plant its own `aims_session` (docs/api.md).
   */
  secureCookies: z.boolean().default(true),
  sessionTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(168),
  invitationTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(168),
  /** Comment lines on idle event streams so proxies and clients know the stream is alive. */
  sseHeartbeatMs: z.number().int().min(100).max(300_000).default(15_000),
  /** How often the event fan-out reads new rows written by other processes (the CLI, the reconciler). */
  eventPollMs: z.number().int().min(10).max(10_000).default(100),
  /** Event streams and followed logs one API key or session may hold open at once; one more answers 429. */
  maxStreamsPerKey: z.number().int().min(1).max(1_000_000).default(200),
  /** The same, across every key and session streaming one tenant. */
  maxStreamsPerTenant: z.number().int().min(1).max(1_000_000).default(2000),
  /** Time to receive a whole request, headers and body: a slower client gets 408 and its connection ends. */
  requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /**
   * A connection silent this long is closed, also while its answer is worked on: keep it above the longest
   * deploy (image pull + health). Streams are exempt: their heartbeats re-check them.
   */
  connectionTimeoutMs: z.number().int().min(1000).max(86_400_000).default(600_000),
  /**
   * Requests a minute per credential (docs/api.md#rate-limits), counted in the store so every `aims serve` of
   * the host shares one budget. A tenant's routes spend the tenant's plan's `apiRequestsPerMinute`; other
   * routes `perMinute`; the operator (platform admins) `operatorPerMinute` everywhere (`unlimited` or null
   * lifts it);
   * requests without a valid credential, per client address, `anonymousPerMinute`. Health, readiness and
   * metrics are never limited.
   */
  rateLimit: z
    .strictObject({
      enabled: z.boolean().default(true),
      perMinute: z.number().int().min(1).max(10_000_000).default(600),
      operatorPerMinute: z
        .union([
          z.literal("unlimited").transform(() => null),
          z.null(),
          z.number().int().min(1).max(10_000_000),
        ])
        .default(6000),
      anonymousPerMinute: z.number().int().min(1).max(10_000_000).default(120),
    })
    .prefault({}),
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy: z.boolean().default(false),
  /** argon2id cost; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). */
  passwordHashing: z
    .strictObject({
      memoryKiB: z.number().int().min(1024).max(1_048_576).default(19_456),
      iterations: z.number().int().min(1).max(20).default(2),
    })
    .prefault({}),
});

const proxySchema = z.strictObject({
  /** AIMS's own nginx (its config tree and pid file live in `<dataDir>/proxy/`); false (AIMS_PROXY=off) runs none. */
  enabled: z.boolean().default(true),
  port: z.number().int().min(1).max(65535).default(8080),
  /** Listened on only when a certificate exists for some routed host. */
  tlsPort: z.number().int().min(1).max(65535).default(8443),
  bindAddress: z.union([z.ipv4(), z.ipv6()]).default("127.0.0.1"),
  /**
   * Instances answer at `<instance>.<tenant>.<baseDomain>`; `localhost` needs no DNS in a browser. On a
   * real domain, make it a registrable domain of its own, not a subdomain of the control plane's (an app
   * could set cookies for the parent domain).
   */
  baseDomain: baseDomainSchema.default("localhost"),
  /**
   * Also answer at `http://<proxy address>/<tenant>/<instance>/`. Off by default: every app shares that
   * one origin, so each can read the others' cookies and script their pages (docs/routing.md).
   */
  pathRouting: z.boolean().default(false),
  /** Largest request body (nginx size: bytes, or a number with k or m). */
  bodyLimit: z
    .string()
    .regex(/^[1-9][0-9]{0,8}[km]?$/, "must be a size like 10m, 512k or 1048576")
    .default("10m"),
  /** certbot's directory: `live/<host>/fullchain.pem` + `privkey.pem` turn TLS on for that host. */
  certDir: proxyPathSchema.default("/etc/letsencrypt"),
  nginxBinary: z.string().min(1).default("/usr/sbin/nginx"),
  workerProcesses: z.union([z.literal("auto"), z.number().int().min(1).max(64)]).default("auto"),
  /**
   * Write an access log (`<dataDir>/proxy/logs/access.log`, buffered). Off by default: a log line per request
   * costs the proxy throughput, and the API's metrics already count what reaches each instance.
   */
  accessLog: z.boolean().default(false),
  /** How long an apply waits for nginx to serve the new configuration. */
  reloadTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
});

/**
 * CLI remote mode: the AIMS whose HTTP API the CLI talks to instead of the local data dir. The key is a
 * credential: it is sent only as a bearer token to this URL and never logged or printed.
 */
const remoteSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: "AIMS_URL must be an http(s) URL like http://127.0.0.1:7700" })
    .transform((u) => u.replace(/\/+$/, "")),
  apiKey: z
    .string({ error: "set AIMS_API_KEY (an API key of the AIMS at AIMS_URL) together with AIMS_URL" })
    .min(1, "AIMS_API_KEY is empty"),
});

const milliseconds = (max: number) => z.number().int().min(10).max(max);

/** What the alert rules, the delivery outbox and zombie detection wait for (docs/alerts.md). */
const alertsSchema = z.strictObject({
  /** An instance asked to run that is not ready (deploying, degraded, failed) this long fires `unhealthy`. */
  unhealthyForMs: milliseconds(86_400_000).default(120_000),
  /** Crash restarts in a row (the instance's failure count) that fire `restart_loop`. */
  restartLoopCount: z.number().int().min(1).max(100).default(3),
  /** An OOM kill stays firing until the instance has been ready this long with no new one. */
  oomQuietMs: milliseconds(86_400_000).default(600_000),
  /** CPU or memory above this share of the limit for `resourceForMs` fires `cpu_high` / `memory_high`. */
  cpuPercent: z.number().min(1).max(1000).default(90),
  memoryPercent: z.number().min(1).max(100).default(90),
  resourceForMs: milliseconds(86_400_000).default(300_000),
  /** A volume larger than this fires `volume_full` (bytes, or a size like 10g). */
  volumeBytes: memorySchema.default(10 * 1024 ** 3),
  /** Zombie detection: a running container whose health check has not answered this long is restarted. */
  zombieAfterMs: milliseconds(86_400_000).default(60_000),
  /** How often ready instances' containers are probed for zombie detection (at most once a tick). */
  healthProbeIntervalMs: milliseconds(3_600_000).default(10_000),
  /** The delivery outbox: how often it looks for due deliveries, and the back-off of a failed one. */
  delivery: z
    .strictObject({
      pollMs: milliseconds(600_000).default(1000),
      firstRetryMs: milliseconds(3_600_000).default(5000),
      maxRetryMs: milliseconds(86_400_000).default(3_600_000),
      /** Attempts before a delivery is given up (its log entry says so). */
      maxAttempts: z.number().int().min(1).max(100).default(12),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    })
    .prefault({}),
  /**
   * Webhook hosts allowed although they are loopback, link-local or this host's own addresses (by default
   * refused: tenants are not trusted with the control plane's network). `127.0.0.1` lets a local receiver in.
   */
  allowedWebhookHosts: z.array(z.string().min(1).max(253)).default([]),
  /** The Telegram Bot API; a local server in tests. */
  telegramApiUrl: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ""))
    .default("https://api.telegram.org"),
});

/** Switches for tests only, never documented: a production install leaves them unset. */
const testHooksSchema = z.strictObject({
  /** The step boundary at which the process SIGKILLs itself (crash-safety tests). */
  crashAt: z.string().optional(),
  /** Every rendered proxy candidate gets a broken directive, so validation must reject it. */
  corruptProxyCandidate: z.boolean().default(false),
  /** The rate-limit window instead of a minute, so a test sees a window end without waiting a minute. */
  rateLimitWindowMs: z.number().int().min(10).max(3_600_000).optional(),
});

/**
 * The one configuration schema. Precedence: environment > config.yaml > these defaults. Every object
 * is strict: a key it does not know (a typo in config.yaml) is refused, not ignored.
 */
export const configSchema = z.strictObject({
  dataDir: z.string().min(1),
  databaseUrl: z.string().min(1).optional(),
  dockerSocket: z.string().min(1).default("/var/run/docker.sock"),
  ports: portRange.default({ min: 51000, max: 51999 }),
  bindAddress: z.union([z.ipv4(), z.ipv6()]).default("127.0.0.1"),
  /**
   * Networks made ahead of time (the warm pool): a deploy claims one in its transaction instead of waiting for
   * the engine to make its network; the reconcile loop refills it. 0 turns the pool off.
   */
  networkPool: z.number().int().min(0).max(64).default(4),
  health: z
    .strictObject({
      /** First poll delay; polls back off from here to intervalMs. */
      initialIntervalMs: z.number().int().min(5).max(10_000).default(25),
      intervalMs: z.number().int().min(50).max(60_000).default(1000),
      timeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      probeTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
    })
    .prefault({}),
  pullTimeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
  /** Map an upstream image to a local one (air-gapped installs, tests): `{ "redis:7.2.4": "local/redis:7" }`. */
  imageOverrides: z.record(z.string(), z.string()).default({}),
  /**
   * The most `aims update` may give one service, whatever its plug's maximum (docs/plug-manifest.md); the lower
   * of the two wins. Plans add their own ceilings later.
   */
  limits: z
    .strictObject({
      cpu: z.number().positive().max(64).default(4),
      memory: memorySchema.default(8 * 1024 ** 3),
      pids: z.number().int().min(16).max(32768).default(4096),
    })
    .prefault({}),
  /**
   * Repositories `aims update --image` may pin besides the plug's own: `ghcr.io/acme/app`, a prefix
   * `ghcr.io/acme/*`, or `*` for any image the engine has or can pull.
   */
  allowedImageRepositories: z.array(z.string().min(1)).default([]),
  /**
   * Plans (docs/plans.md): fields laid over the shipped plans/plans.yaml, per plan, or whole new plans.
   * `{ starter: { limits: { instances: 3 } } }` lets starter tenants run three instances.
   */
  plans: z.record(planNameSchema, planOverrideSchema).default({}),
  /** The plan of a tenant created without one (on its first deploy, or by `aims tenant create` without --plan). */
  defaultPlan: planNameSchema.default("team"),
  /** Tenants one user may own, so a plan's quotas cannot be dodged by making more tenants (the operator is not capped). */
  tenantsPerUser: z.number().int().min(1).max(10_000).default(3),
  /**
   * Host capacity: instances meant to run may together be given at most the host's memory times
   * `memoryOvercommit`; a deploy or update beyond it answers 503. `cpuOvercommit` (off unless set) does the
   * same for CPU cores; CPU limits are caps, not reservations. `memoryBytes` replaces the host's own figure.
   */
  capacity: z
    .strictObject({
      memoryOvercommit: z.number().positive().max(1000).default(1.5),
      cpuOvercommit: z.number().positive().max(1000).optional(),
      memoryBytes: memorySchema.optional(),
      cpus: z.number().positive().max(4096).optional(),
    })
    .prefault({}),
  /** Directories of plug manifests (`*.yaml`); the built-in catalog is always first. */
  catalogDirs: z.array(z.string()).default([]),
  /** Base64 of 32 bytes; when absent a key file is generated in the data dir (mode 0600). */
  masterKey: z.string().optional(),
  /** The reconciler is the one restarter of crashed containers (Docker's restart policy is `no`). */
  restart: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(100).default(5),
      backoffMs: z.number().int().min(10).max(600_000).default(1000),
      /** A container that ran this long before crashing starts a fresh retry count. */
      stableAfterMs: z.number().int().min(1000).max(86_400_000).default(60_000),
    })
    .prefault({}),
  reconcile: z
    .strictObject({
      intervalMs: z.number().int().min(200).max(3_600_000).default(5000),
      concurrency: z.number().int().min(1).max(64).default(4),
    })
    .prefault({}),
  /**
   * The host firewall (docs/operations.md): a chain of AIMS's own on INPUT that drops traffic from instance
   * networks to the host's addresses. Off only where another firewall does the same.
   */
  firewall: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  /**
   * Resource samples (docs/monitoring.md): every running container's stats each `intervalMs`, volume sizes each
   * `volumeIntervalMs`; raw samples kept `rawRetentionMs`, 1-minute rollups `minuteRetentionMs`, 1-hour rollups
   * `hourRetentionMs`. `instanceSeries` puts per-instance series on /metrics (which then needs a metrics token).
   */
  monitor: z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMs: z.number().int().min(200).max(3_600_000).default(10_000),
      volumeIntervalMs: z.number().int().min(1000).max(86_400_000).default(300_000),
      /**
       * Stats calls in flight at once. High on purpose: the engine answers a one-shot call at the next tick of its
       * stats collector (once a second), for every call waiting then, so 8 at a time would make a pass over 500
       * containers take a minute; 100 makes it a few ticks.
       */
      concurrency: z.number().int().min(1).max(1000).default(100),
      rawRetentionMs: z
        .number()
        .int()
        .min(10_000)
        .max(7 * 86_400_000)
        .default(3_600_000),
      minuteRetentionMs: z
        .number()
        .int()
        .min(60_000)
        .max(90 * 86_400_000)
        .default(7 * 86_400_000),
      hourRetentionMs: z
        .number()
        .int()
        .min(3_600_000)
        .max(3650 * 86_400_000)
        .default(90 * 86_400_000),
      instanceSeries: z.boolean().default(true),
      /** The most instances /metrics lists per-instance series for (the most recently sampled first). */
      maxSeriesInstances: z.number().int().min(1).max(100_000).default(1000),
    })
    .prefault({}),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
  /** Alerts, their channels and zombie detection (docs/alerts.md); every duration is here so tests run in seconds. */
  alerts: alertsSchema.prefault({}),
  /**
   * The autoscaler (docs/autoscaling.md), run by `aims serve` after each reconcile tick: it averages each policy's
   * service over the last `windowMs` (never before its last step), waits `cooldownMs` between two steps of a
   * service (unless its policy sets its own) and scales down only while every average is below
   * `scaleDownRatio` × its target. It reads the resource samples, so it needs `monitor.enabled`.
   */
  autoscale: z
    .strictObject({
      enabled: z.boolean().default(true),
      windowMs: z.number().int().min(500).max(3_600_000).default(60_000),
      cooldownMs: z.number().int().min(500).max(86_400_000).default(120_000),
      scaleDownRatio: z.number().gt(0).lt(1).default(0.5),
    })
    .prefault({}),
  /** Approvals of what an AI actor (ACHEEVY) asks for (docs/acheevy.md): a request not decided in time expires. */
  approvals: z
    .strictObject({
      ttlMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(15),
    })
    .prefault({}),
  /** The HTTP API (`aims serve`). */
  api: apiSchema.prefault({}),
  /** The reverse proxy in front of every instance (docs/routing.md). */
  proxy: proxySchema.prefault({}),
  /** Set (AIMS_URL + AIMS_API_KEY): the CLI goes through this AIMS's HTTP API, not the local data dir. */
  remote: remoteSchema.optional(),
  testHooks: testHooksSchema.prefault({}),
});

/**
 * The parsed configuration every module receives; `databaseUrl` is always filled in by the loader, and
 * `environment` lists the variables that set part of it (src/config/environment.ts).
 */
export type AimsConfig = z.infer<typeof configSchema> & {
  databaseUrl: string;
  configFile?: string;
  environment?: readonly EnvironmentSetting[];
};

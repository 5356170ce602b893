import * as z from "zod";
import { AimsError } from "./errors.js";
import { nameSchema } from "./names.js";

/** Manifest API version this build of AIMS reads. */
export const PLUG_API_VERSION = "aims.dev/v1";

/** What kind of thing a plug is; `aims catalog list --category` filters by it. */
export const PLUG_CATEGORIES = ["tool", "agent", "platform", "bot", "database"] as const;
export type PlugCategory = (typeof PLUG_CATEGORIES)[number];

/** A plug's category: in manifests, `aims catalog list --category` and `GET /v1/plugs?category=`. */
export const plugCategorySchema = z.enum(PLUG_CATEGORIES);

const keySchema = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9_]{0,63}$/,
    "must be UPPER_SNAKE_CASE (letters, digits, underscores), at most 64 chars",
  );

/** An image reference with a pinned tag or digest: `latest` and untagged references are refused. */
export const pinnedImageSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](@sha256:[a-f0-9]{64})?$/i, "is not a valid image reference")
  .refine((ref) => parseImageRef(ref).tag !== undefined || ref.includes("@sha256:"), {
    message: "must pin a tag (e.g. nginx:1.27.0) or a digest; untagged images are refused",
  })
  .refine((ref) => parseImageRef(ref).tag !== "latest", {
    message: "must pin a version: the tag `latest` is refused",
  });

/** Splits `registry/repo:tag` into repository and tag (a colon inside the registry host is not a tag). */
export function parseImageRef(ref: string): { repository: string; tag: string | undefined } {
  const at = ref.indexOf("@");
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  if (colon > slash) return { repository: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repository: base, tag: undefined };
}

const baseInput = {
  key: keySchema,
  question: z.string().min(1).max(200),
  help: z.string().max(1000).optional(),
  required: z.boolean().optional(),
};

/** A typed intake question whose answer a deploy may set with `--set KEY=VALUE`. */
export const inputSchema = z.discriminatedUnion("type", [
  z.object({
    ...baseInput,
    type: z.literal("string"),
    default: z.string().optional(),
    pattern: z.string().optional(),
    maxLength: z.number().int().positive().max(4096).default(256),
  }),
  z.object({
    ...baseInput,
    type: z.literal("secret"),
    minLength: z.number().int().min(1).default(8),
    /** Left unanswered, AIMS generates the value (32 letters and digits), as for a plug's `secrets`. */
    generated: z.boolean().optional(),
  }),
  z.object({
    ...baseInput,
    type: z.literal("enum"),
    values: z.array(z.string().min(1)).min(1),
    default: z.string().optional(),
  }),
  z.object({
    ...baseInput,
    type: z.literal("int"),
    min: z.number().int(),
    max: z.number().int(),
    default: z.number().int().optional(),
  }),
  z.object({ ...baseInput, type: z.literal("url"), default: z.string().optional() }),
  z.object({ ...baseInput, type: z.literal("hostname"), default: z.string().optional() }),
]);
export type PlugInput = z.infer<typeof inputSchema>;

/** A secret AIMS generates once per instance and stores encrypted. */
export const generatedSecretSchema = z.object({
  key: keySchema,
  length: z.number().int().min(16).max(128).default(32),
  alphabet: z.enum(["hex", "alnum", "base64url"]).default("alnum"),
});
export type GeneratedSecret = z.infer<typeof generatedSecretSchema>;

const portNumber = z.number().int().min(1).max(65535);

export const portSchema = z.object({
  name: nameSchema,
  container: portNumber,
  protocol: z.enum(["http", "tcp"]).default("http"),
  /** Public ports are published on an allocated host port; internal ones only reach the instance network. */
  public: z.boolean().default(true),
});

export const volumeSchema = z.object({
  name: nameSchema,
  path: z.string().regex(/^\/[^\0]*$/, "must be an absolute path"),
  readOnly: z.boolean().default(false),
});

const healthTiming = {
  intervalMs: z.number().int().min(100).max(60_000).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
  startTimeoutMs: z.number().int().min(1000).max(900_000).optional(),
};

/** How AIMS decides a service is ready: an HTTP path, a TCP connect, or a command run in the container. */
export const healthSchema = z.union([
  z.object({
    http: z.object({ port: portNumber, path: z.string().startsWith("/").default("/") }),
    ...healthTiming,
  }),
  z.object({ tcp: z.object({ port: portNumber }), ...healthTiming }),
  z.object({ command: z.array(z.string()).min(1), ...healthTiming }),
]);
export type HealthCheck = z.infer<typeof healthSchema>;

/** A size of memory as text: `256m`, `1g`, `512Mi`, `1.5g` or bytes. */
export const MEMORY_SIZE_PATTERN = /^\d+(\.\d+)?\s*([kmg]i?b?|b)?$/i;

/** Memory as `256m`, `1g`, `512Mi` or bytes. */
export const memorySchema = z
  .union([z.number().int().positive(), z.string().regex(MEMORY_SIZE_PATTERN, "is not a size like 256m")])
  .transform((v) => (typeof v === "number" ? v : parseMemory(v)));

/** Parses `256m` / `1g` / `512Mi` into bytes. */
export function parseMemory(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)/i.exec(value.trim());
  if (!m) throw new AimsError("invalid_input", `memory ${value} is not a size like 256m, 1g or 512Mi`);
  const unit = (m[2] ?? "").toLowerCase();
  const mult = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

/**
 * What a service declares it needs: each value it leaves out (or all of them, with no `resources`) is the
 * tenant's plan's `defaultResources`, filled in at deploy and recorded in the instance's spec (`sizePlug`).
 */
export const resourcesSchema = z.object({
  cpu: z.number().positive().max(64).optional(),
  memory: memorySchema.optional(),
  pids: z.number().int().min(16).max(32768).optional(),
});

/**
 * The most `aims update` may give a service (the operator's ceiling, `limits`, bounds it further). Each value left
 * out is four times what `resources` declares.
 */
export const maxResourcesSchema = z.strictObject({
  cpu: z.number().positive().max(64).optional(),
  memory: memorySchema.optional(),
  pids: z.number().int().min(16).max(32768).optional(),
});

/** `uid[:gid]` in numbers or names, as Docker's `--user` takes it. */
const USER_PATTERN = /^(\d+|[a-z_][a-z0-9_.-]{0,31})(:(\d+|[a-z_][a-z0-9_.-]{0,31}))?$/;

/**
 * Linux capabilities a manifest may add back after AIMS drops them all. This is also what an imported compose
 * service runs with (docs/compose.md): Docker's default set without MKNOD, NET_RAW, SETFCAP, SETPCAP,
 * AUDIT_WRITE and SYS_CHROOT.
 */
export const ALLOWED_CAPABILITIES = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "SETUID",
  "SETGID",
  "NET_BIND_SERVICE",
  "KILL",
] as const;

export const serviceSchema = z
  .object({
    name: nameSchema,
    image: pinnedImageSchema.optional(),
    /** Build context, relative to the manifest file; the image is built locally (no registry needed). */
    build: z.object({ context: z.string().min(1) }).optional(),
    command: z.array(z.string()).optional(),
    entrypoint: z.array(z.string()).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
    ports: z.array(portSchema).default([]),
    volumes: z.array(volumeSchema).default([]),
    health: healthSchema.optional(),
    resources: resourcesSchema.optional(),
    maxResources: maxResourcesSchema.optional(),
    /**
     * `uid[:gid]` the service runs as; defaults to nobody (65534) unless `runAsRoot` is set. A name (`postgres`,
     * `www-data:www-data`) is the image's own user of that name, as an imported compose file may write it.
     */
    user: z
      .string()
      .regex(USER_PATTERN, "must be a uid or uid:gid (numbers, or user names like postgres)")
      .optional(),
    runAsRoot: z.boolean().default(false),
    capAdd: z.array(z.enum(ALLOWED_CAPABILITIES)).default([]),
    dependsOn: z.array(nameSchema).default([]),
    /** Replicas a new instance starts with (default 1); `aims scale` changes them later. */
    replicas: z.number().int().min(1).max(20).optional(),
    /** The directory the command runs in, instead of the image's. */
    workingDir: z
      .string()
      .regex(/^\/[^\0]*$/, "must be an absolute path")
      .max(1024)
      .optional(),
    /** The signal that stops the service (`SIGTERM` unless the image says otherwise), like `SIGINT`. */
    stopSignal: z
      .string()
      .regex(/^(SIG[A-Z0-9+-]+|\d{1,2})$/, "must be a signal name like SIGINT or a number")
      .optional(),
    /** Seconds the engine waits after the stop signal before it kills the service. */
    stopGracePeriodSeconds: z.number().int().min(0).max(600).optional(),
    /** Labels of the service's containers (AIMS's own `aims.` labels are reserved). */
    labels: z
      .record(z.string().min(1).max(255), z.string().max(4096))
      .refine((labels) => !Object.keys(labels).some((k) => k.startsWith("aims.")), {
        message: "may not use keys starting with aims., which AIMS reserves for its own labels",
      })
      .optional(),
  })
  .refine((s) => Boolean(s.image) !== Boolean(s.build), {
    message: "needs exactly one of `image` or `build`",
  })
  .refine((s) => !(s.user && s.runAsRoot), { message: "sets both `user` and `runAsRoot`" });
export type PlugService = z.infer<typeof serviceSchema>;

export const plugSchema = z
  .object({
    apiVersion: z.literal(PLUG_API_VERSION),
    kind: z.literal("Plug"),
    id: nameSchema,
    version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be a semantic version like 1.2.3"),
    name: z.string().min(1).max(80),
    description: z.string().max(2000).default(""),
    category: plugCategorySchema,
    /** Search words for `aims catalog list --search` (lowercase, like `vector` or `openai-compatible`). */
    tags: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be a lowercase word (letters, digits, -)"))
      .max(12)
      .default([]),
    source: z
      .object({ docs: z.string().url().optional(), upstreamVersion: z.string().optional() })
      .optional(),
    inputs: z.array(inputSchema).default([]),
    secrets: z.array(generatedSecretSchema).default([]),
    services: z.array(serviceSchema).min(1),
  })
  .superRefine((plug, ctx) => checkPlugReferences(plug, ctx));
export type Plug = z.infer<typeof plugSchema>;

const TEMPLATE_REF = /\$\{([a-z]+)\.([A-Za-z0-9_-]+)\}/g;

/** Names referenced as `${inputs.X}` / `${secrets.X}` / `${instance.name}` in a template string. */
export function templateRefs(value: string): Array<{ scope: string; key: string }> {
  return [...value.matchAll(TEMPLATE_REF)].map((m) => ({ scope: m[1]!, key: m[2]! }));
}

function checkPlugReferences(plug: Omit<Plug, never>, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: (string | number)[]) =>
    ctx.addIssue({ code: "custom", message, path });
  const inputs = new Set(plug.inputs.map((i) => i.key));
  const secrets = new Set(plug.secrets.map((s) => s.key));
  for (const key of inputs)
    if (secrets.has(key)) issue(`key ${key} is both an input and a secret`, ["inputs"]);
  const dup = (list: string[]) => list.find((v, i) => list.indexOf(v) !== i);
  const d1 = dup([...plug.inputs.map((i) => i.key), ...plug.secrets.map((s) => s.key)]);
  if (d1) issue(`duplicate key ${d1}`, ["inputs"]);
  const serviceNames = plug.services.map((s) => s.name);
  const d2 = dup(serviceNames);
  if (d2) issue(`duplicate service ${d2}`, ["services"]);
  plug.services.forEach((svc, si) => {
    for (const [envKey, value] of Object.entries(svc.env)) {
      for (const ref of templateRefs(value)) {
        const ok =
          (ref.scope === "inputs" && (inputs.has(ref.key) || secrets.has(ref.key))) ||
          (ref.scope === "secrets" && (secrets.has(ref.key) || inputs.has(ref.key))) ||
          (ref.scope === "instance" && ["name", "id"].includes(ref.key)) ||
          (ref.scope === "tenant" && ref.key === "name");
        if (!ok)
          issue(`env ${envKey} references unknown \${${ref.scope}.${ref.key}}`, [
            "services",
            si,
            "env",
            envKey,
          ]);
      }
    }
    for (const dep of svc.dependsOn) {
      if (!serviceNames.includes(dep) || dep === svc.name)
        issue(`dependsOn names unknown service ${dep}`, ["services", si, "dependsOn"]);
    }
    const cycle = dependencyCycle(plug.services, svc.name);
    // Reported once, at the first declared service of the cycle.
    if (
      cycle &&
      cycle[0] === svc.name &&
      plug.services.find((s) => cycle.includes(s.name))?.name === svc.name
    )
      issue(`services depend on each other in a cycle: ${cycle.join(" -> ")}`, ["services", si, "dependsOn"]);
    for (const key of ["cpu", "memory", "pids"] as const) {
      const max = svc.maxResources?.[key];
      const declared = svc.resources?.[key];
      if (max !== undefined && declared !== undefined && max < declared)
        issue(
          `maxResources.${key} is below resources.${key}: the maximum must allow what the service declares`,
          ["services", si, "maxResources", key],
        );
    }
    const d3 = dup(svc.ports.map((p) => p.name));
    if (d3) issue(`duplicate port name ${d3}`, ["services", si, "ports"]);
    const d4 = dup(svc.volumes.map((v) => v.name));
    if (d4) issue(`duplicate volume name ${d4}`, ["services", si, "volumes"]);
  });
}

/**
 * The first dependency cycle reachable from service `from` (`["a", "b", "a"]`), or undefined. A plug
 * whose services wait for each other in a circle could never start.
 */
export function dependencyCycle(
  services: ReadonlyArray<{ name: string; dependsOn: string[] }>,
  from: string,
): string[] | undefined {
  const byName = new Map(services.map((s) => [s.name, s]));
  const visit = (name: string, trail: string[]): string[] | undefined => {
    const at = trail.indexOf(name);
    if (at >= 0) return [...trail.slice(at), name];
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      const found = visit(dep, [...trail, name]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(from, []);
}

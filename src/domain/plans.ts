import * as z from "zod";
import { MEMORY_SIZE_PATTERN, parseMemory } from "./manifest.js";

/**
 * Plans (docs/plans.md): what a tenant may run, and what it pays. A limit is a number, or `null` for
 * unlimited (written `unlimited` in YAML). Pure: the shipped defaults are read by src/plans/loadPlans.ts.
 */

const UNLIMITED = "unlimited";

/** A whole number of things (instances, volumes, requests), or `unlimited` → null. */
const countLimit = z.union([z.literal(UNLIMITED).transform(() => null), z.null(), z.number().int().min(0)]);

const cpuLimit = z.union([
  z.literal(UNLIMITED).transform(() => null),
  z.null(),
  z.number().positive().max(4096),
]);

const memoryLimit = z.union([
  z.literal(UNLIMITED).transform(() => null),
  z.null(),
  z.number().int().positive(),
  z
    .string()
    .regex(MEMORY_SIZE_PATTERN, "is not a size like 512m or 2g, nor unlimited")
    .transform((v) => parseMemory(v)),
]);

const pidsLimit = z.union([z.literal(UNLIMITED).transform(() => null), z.null(), z.number().int().min(16)]);

const resourceLimits = z.strictObject({ cpu: cpuLimit, memory: memoryLimit, pids: pidsLimit });

const memorySize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(MEMORY_SIZE_PATTERN, "is not a size like 256m")
    .transform((v) => parseMemory(v)),
]);

export const planNameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,30}$/,
    "must be a plan name like team: a lowercase letter, then lowercase letters, digits or hyphens, at most 31 in all",
  );

/** One whole plan, as the shipped file writes it. */
export const planSchema = z.strictObject({
  title: z.string().min(1).max(60),
  description: z.string().max(300).default(""),
  price: z.strictObject({
    monthly: z.number().min(0),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter currency code like USD"),
  }),
  limits: z.strictObject({
    instances: countLimit,
    volumes: countLimit,
    replicasPerService: countLimit,
    /** The sum over one instance's services × replicas. */
    perInstance: resourceLimits,
    /** The sum over every instance of the tenant that is meant to run. */
    total: resourceLimits,
  }),
  /** What a service whose manifest declares no resources is given (recorded in its instance's spec). */
  defaultResources: z.strictObject({
    cpu: z.number().positive().max(64),
    memory: memorySize,
    pids: z.number().int().min(16).max(32768),
  }),
  features: z.strictObject({
    customDomains: z.boolean(),
    backups: z.boolean(),
    autoscaling: z.boolean(),
    /** The tenant's owners may turn approvals of AI actions off. */
    approvalsOff: z.boolean(),
    export: z.boolean(),
  }),
  apiRequestsPerMinute: countLimit,
  llmTokensPerMonth: countLimit,
  buildMinutesPerMonth: countLimit,
});

export type Plan = z.output<typeof planSchema> & { name: string };
export type PlanFeature = keyof Plan["features"];

/** What config.yaml may say about one plan: any field, at any depth; a new plan must be whole. */
export const planOverrideSchema = z.strictObject({
  title: z.string().min(1).max(60).optional(),
  description: z.string().max(300).optional(),
  price: planSchema.shape.price.partial().optional(),
  limits: z
    .strictObject({
      instances: countLimit.optional(),
      volumes: countLimit.optional(),
      replicasPerService: countLimit.optional(),
      perInstance: resourceLimits.partial().optional(),
      total: resourceLimits.partial().optional(),
    })
    .optional(),
  defaultResources: planSchema.shape.defaultResources.partial().optional(),
  features: planSchema.shape.features.partial().optional(),
  apiRequestsPerMinute: countLimit.optional(),
  llmTokensPerMonth: countLimit.optional(),
  buildMinutesPerMonth: countLimit.optional(),
});
export type PlanOverride = z.output<typeof planOverrideSchema>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `base` with `override` laid over it, object by object (an override's value replaces, never appends). */
export function mergeDeep(base: unknown, override: unknown): unknown {
  if (!isObject(base) || !isObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = mergeDeep(base[k], v);
  return out;
}

/** "unlimited" for null, else the value as given. */
export function formatLimit(value: number | null, format: (v: number) => string = String): string {
  return value === null ? UNLIMITED : format(value);
}

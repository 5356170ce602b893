import * as z from "zod";
import { AimsError } from "./errors.js";
import type { ResourceOverride } from "./instanceSpec.js";
import { MEMORY_SIZE_PATTERN, parseMemory } from "./manifest.js";
import { numberInRangeSchema, wholeNumberSchema } from "./numbers.js";
import type { SizedService } from "./sizedPlug.js";

/** A value per limit: cores, bytes of memory, processes. */
export interface ResourceValues {
  cpu: number;
  memory: number;
  pids: number;
}

/** The least a limit may be set to: Docker refuses less than 6 MiB of memory; fewer than 16 processes never starts. */
export const RESOURCE_MINIMUM: Readonly<ResourceValues> = { cpu: 0.01, memory: 6 * 1024 ** 2, pids: 16 };

/** The schema's hard bounds, which a default maximum never exceeds. */
const SCHEMA_MAXIMUM: Readonly<ResourceValues> = { cpu: 64, memory: Number.MAX_SAFE_INTEGER, pids: 32768 };

/** A CPU limit in cores: `aims update --cpu`, the update action's `cpu`. */
export const cpuLimitSchema = numberInRangeSchema(
  RESOURCE_MINIMUM.cpu,
  SCHEMA_MAXIMUM.cpu,
  "a number of CPU cores",
);

/** A process limit: `aims update --pids`, the update action's `pids`. */
export const pidsLimitSchema = wholeNumberSchema(RESOURCE_MINIMUM.pids, SCHEMA_MAXIMUM.pids);

const MEMORY_RULE = `must be a size of at least ${formatMemory(RESOURCE_MINIMUM.memory)}, like 256m, 1g or 512Mi`;

/**
 * A memory limit, as a size (`256m`, `1g`, `512Mi`) or bytes, parsed to bytes: `aims update --memory`, the update
 * action's `memory`. Below the engine's minimum it is refused here, never handed to Docker.
 */
export const memoryLimitSchema = z
  .union(
    [
      z.number().int({ error: MEMORY_RULE }).positive({ error: MEMORY_RULE }),
      z.string().regex(MEMORY_SIZE_PATTERN, { error: MEMORY_RULE }),
    ],
    { error: MEMORY_RULE },
  )
  .transform((value) => (typeof value === "number" ? value : parseMemory(value)))
  .pipe(
    z
      .number()
      .min(RESOURCE_MINIMUM.memory, { error: MEMORY_RULE })
      .max(SCHEMA_MAXIMUM.memory, { error: MEMORY_RULE }),
  );

/** A service without declared maxima may be given this many times what its manifest declares. */
export const DEFAULT_HEADROOM = 4;

const KEYS = ["cpu", "memory", "pids"] as const;

/** `268435456` → `256m`: memory the way a person types it. */
export function formatMemory(bytes: number): string {
  for (const [unit, size] of [
    ["g", 1024 ** 3],
    ["m", 1024 ** 2],
    ["k", 1024],
  ] as const)
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}b`;
}

function format(key: (typeof KEYS)[number], value: number): string {
  return key === "memory" ? formatMemory(value) : String(Number(value.toFixed(2)));
}

/** A service's declared maxima: `maxResources` from its manifest, else DEFAULT_HEADROOM times its `resources`. */
export function plugMaxima(service: Pick<SizedService, "resources" | "maxResources">): ResourceValues {
  const declared = service.resources;
  const max = service.maxResources ?? {};
  const headroom = (key: (typeof KEYS)[number]) =>
    Math.min(SCHEMA_MAXIMUM[key], Number((declared[key] * DEFAULT_HEADROOM).toFixed(2)));
  return {
    cpu: max.cpu ?? headroom("cpu"),
    memory: max.memory ?? headroom("memory"),
    pids: max.pids ?? headroom("pids"),
  };
}

/**
 * Refuses a limit `aims update` asks for outside its range: from RESOURCE_MINIMUM to the lower of the plug's
 * maximum and the operator's ceiling (never below what the manifest itself declares). The message names the
 * flag, the value and the range, and which of the two bounds set it.
 * @example checkResourceLimits(web, { memory: 1000 * 1024 ** 3 }, { cpu: 4, memory: 8 * 1024 ** 3, pids: 4096 })
 * // AimsError: --memory 1000g is above the ceiling of 256m for service web (plug maximum 256m; operator ceiling 8g, limits.memory): allowed 6m to 256m
 */
export function checkResourceLimits(
  service: Pick<SizedService, "name" | "resources" | "maxResources">,
  requested: ResourceOverride,
  operatorCeiling: ResourceValues,
): void {
  const plug = plugMaxima(service);
  for (const key of KEYS) {
    const value = requested[key];
    if (value === undefined) continue;
    const ceiling = Math.max(service.resources[key], Math.min(plug[key], operatorCeiling[key]));
    const range = `allowed ${format(key, RESOURCE_MINIMUM[key])} to ${format(key, ceiling)}`;
    const asked = `--${key} ${format(key, value)}`;
    if (value < RESOURCE_MINIMUM[key])
      throw new AimsError(
        "invalid_input",
        `${asked} is below the minimum of ${format(key, RESOURCE_MINIMUM[key])} for service ${service.name}: ${range}`,
      );
    if (value > ceiling)
      throw new AimsError(
        "invalid_input",
        `${asked} is above the ceiling of ${format(key, ceiling)} for service ${service.name} (plug maximum ${format(key, plug[key])}; operator ceiling ${format(key, operatorCeiling[key])}, limits.${key}): ${range}`,
      );
  }
}

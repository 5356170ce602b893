import * as z from "zod";
import { MAX_REPLICAS } from "./instanceRequests.js";
import { numberInRangeSchema, wholeNumberSchema } from "./numbers.js";

/**
 * Autoscaling (issue 19, docs/autoscaling.md): a policy per stateless service and the decision the autoscaler
 * takes from its recent CPU and memory averages. Pure: the store, the samples and the scale operation live in
 * src/autoscale/.
 */

/** A target: % of each replica's limit. */
export const targetPercentSchema = numberInRangeSchema(1, 100, "a percentage of the limit");
/** The bounds of a policy's replica range: the replicas a service may run at all. */
export const policyReplicasSchema = wholeNumberSchema(1, MAX_REPLICAS);
/** Seconds between two steps of a service. */
export const cooldownSecondsSchema = wholeNumberSchema(1, 86_400);

/** What a person sets for one service: the replica range, the targets and the cooldown between two steps. */
export const autoscalePolicyInput = z
  .strictObject({
    min: policyReplicasSchema,
    max: policyReplicasSchema,
    /** Average CPU in use, as % of each replica's CPU limit, above which a replica is added. */
    cpuPercent: targetPercentSchema,
    /** The same for memory; null: memory does not scale. */
    memoryPercent: targetPercentSchema.nullable().default(null),
    /** Seconds between two steps of this service; null: the install's `autoscale.cooldownMs`. */
    cooldownSeconds: cooldownSecondsSchema.nullable().default(null),
  })
  .refine((p) => p.min <= p.max, { error: "must be at least min", path: ["max"] });
export type AutoscalePolicyInput = z.output<typeof autoscalePolicyInput>;

/** One service's policy as the autoscaler reads it. */
export interface AutoscalePolicy {
  min: number;
  max: number;
  cpuPercent: number;
  memoryPercent: number | null;
  cooldownMs: number;
}

/** What the autoscaler sees of a service at one pass. */
export interface ScaleInputs {
  policy: AutoscalePolicy;
  /** The plan's replicasPerService; null: unlimited. */
  planMax: number | null;
  replicas: number;
  /** Averages over the window (since the last step, at most `windowMs`), as % of the limits; null: no readings. */
  cpuPercent: number | null;
  memoryPercent: number | null;
  /** Distinct replicas the window has readings of: fewer than `replicas` (a new one not sampled yet) holds. */
  sampledReplicas: number;
  /** When this service last changed by the autoscaler (or an approval of it), epoch ms; null: never. */
  lastScaledAt: number | null;
  now: number;
  /** Scale down only while every average is below this share of its target (hysteresis), e.g. 0.5. */
  scaleDownRatio: number;
}

/** What to do, why, and the numbers that drove it (they go into the event and the audit entry). */
export interface ScaleDecision {
  action: "up" | "down" | "hold";
  /** The replica count after the step (the current one for `hold`). */
  to: number;
  reason: string;
  numbers: {
    replicas: number;
    min: number;
    max: number;
    planMax: number | null;
    cpuPercent: number | null;
    memoryPercent: number | null;
    cpuTarget: number;
    memoryTarget: number | null;
  };
}

const shown = (v: number) => `${Math.round(v * 10) / 10}%`;

/**
 * Decides one step for one service. In order: a count outside [min, effective max] (max capped by the plan's
 * replicasPerService) is brought inside, one replica per pass, without waiting for the cooldown; otherwise nothing
 * moves within the cooldown of the last step, without readings, or before every replica has readings. Up by one when CPU (or memory) is above its
 * target and the count is below the effective max. Down by one only when every average is below
 * `scaleDownRatio` × its target AND the average projected onto one replica fewer (avg × n / (n − 1)) stays below
 * the target, so a step down never causes a step up (no flapping).
 * @example decideScale({ policy, planMax: 10, replicas: 1, cpuPercent: 95, memoryPercent: 20, lastScaledAt: null, now, scaleDownRatio: 0.5 })
 */
export function decideScale(input: ScaleInputs): ScaleDecision {
  const { policy, replicas: n } = input;
  const max = input.planMax === null ? policy.max : Math.min(policy.max, input.planMax);
  const numbers = {
    replicas: n,
    min: policy.min,
    max: policy.max,
    planMax: input.planMax,
    cpuPercent: input.cpuPercent,
    memoryPercent: input.memoryPercent,
    cpuTarget: policy.cpuPercent,
    memoryTarget: policy.memoryPercent,
  };
  const step = (action: "up" | "down" | "hold", reason: string): ScaleDecision => ({
    action,
    to: action === "up" ? n + 1 : action === "down" ? n - 1 : n,
    reason,
    numbers,
  });
  if (n > max)
    return step(
      "down",
      input.planMax !== null && input.planMax < policy.max
        ? `${n} replicas is above the plan's ${input.planMax} per service`
        : `${n} replicas is above the policy's max ${policy.max}`,
    );
  if (n < policy.min && n < max) return step("up", `${n} replicas is below the policy's min ${policy.min}`);
  const sinceLast = input.lastScaledAt === null ? Number.POSITIVE_INFINITY : input.now - input.lastScaledAt;
  if (sinceLast < policy.cooldownMs)
    return step("hold", `cooling down (${Math.ceil((policy.cooldownMs - sinceLast) / 1000)} s left)`);
  const cpu = input.cpuPercent;
  const memory = policy.memoryPercent === null ? null : input.memoryPercent;
  if (cpu === null && memory === null) return step("hold", "no resource samples in the window yet");
  if (input.sampledReplicas < n)
    return step("hold", `samples of ${input.sampledReplicas} of ${n} replicas so far`);
  const hot: string[] = [];
  if (cpu !== null && cpu > policy.cpuPercent) hot.push(`CPU ${shown(cpu)} > target ${policy.cpuPercent}%`);
  if (memory !== null && policy.memoryPercent !== null && memory > policy.memoryPercent)
    hot.push(`memory ${shown(memory)} > target ${policy.memoryPercent}%`);
  if (hot.length) {
    if (n >= max)
      return step(
        "hold",
        `${hot.join(", ")}, but ${n} replicas is the ${input.planMax !== null && input.planMax < policy.max ? `plan's limit (${input.planMax} per service)` : `policy's max`}`,
      );
    return step("up", hot.join(", "));
  }
  if (n <= policy.min) return step("hold", "within target at the policy's min");
  const calm = (value: number | null, target: number | null) =>
    value === null ||
    target === null ||
    (value < target * input.scaleDownRatio && (value * n) / (n - 1) < target);
  if (calm(cpu, policy.cpuPercent) && calm(memory, policy.memoryPercent)) {
    const parts = [
      `CPU ${cpu === null ? "-" : shown(cpu)} < ${shown(policy.cpuPercent * input.scaleDownRatio)}`,
    ];
    if (memory !== null && policy.memoryPercent !== null)
      parts.push(`memory ${shown(memory)} < ${shown(policy.memoryPercent * input.scaleDownRatio)}`);
    return step("down", `${parts.join(", ")} (below ${input.scaleDownRatio * 100}% of the target)`);
  }
  return step("hold", "within target");
}

import * as z from "zod";
import type { AutoscalePolicyView } from "../../autoscale/autoscalePolicies.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const time = z.string().describe("ISO-8601 time");

export const autoscalePolicySchema = named(
  "AutoscalePolicy",
  viewSchema<AutoscalePolicyView>()(
    z.object({
      tenant: z.string(),
      instance: z.string(),
      service: z.string(),
      min: z.number().int().describe("fewest replicas"),
      max: z.number().int().describe("most replicas (within the plan's replicas per service)"),
      cpuPercent: z
        .number()
        .describe("average CPU, % of each replica's limit, above which a replica is added"),
      memoryPercent: z.number().nullable().describe("the same for memory; null: memory does not scale"),
      cooldownSeconds: z
        .number()
        .int()
        .nullable()
        .describe("seconds between two steps; null: the install's autoscale.cooldownMs"),
      replicas: z.number().int().describe("replicas the service is meant to run now"),
      lastScaledAt: time.nullable().describe("when the autoscaler last stepped (the cooldown's start)"),
      lastDecision: z
        .object({
          action: z
            .string()
            .describe("up, down, or refused (the scale operation refused the step: `reason` says why)"),
          to: z.number().int(),
          reason: z.string().describe("the numbers that drove it, in words"),
          at: time,
        })
        .nullable(),
      pendingApproval: z.string().nullable().describe("the approval of a scale-up it waits for"),
      updatedAt: time,
    }),
  ),
);

export const autoscalePolicyListSchema = named(
  "AutoscalePolicyList",
  z.object({ policies: z.array(autoscalePolicySchema) }),
);

export const autoscaleRemovalSchema = named(
  "AutoscalePolicyRemoval",
  z.object({ removed: z.literal(true), instance: z.string(), service: z.string() }),
);

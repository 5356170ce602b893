import * as z from "zod";
import type { PublicPlan } from "../../plans/publicPlans.js";
import type { UsageView } from "../../quota/usageView.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const count = z.number().nullable().describe("null: unlimited");
const resources = z.object({
  cpu: z.number().nullable().describe("cores; null: unlimited"),
  memory: z.number().nullable().describe("bytes; null: unlimited"),
  pids: z.number().nullable().describe("null: unlimited"),
});

export const planViewSchema = named(
  "Plan",
  viewSchema<PublicPlan>()(
    z.object({
      name: z.string(),
      title: z.string(),
      description: z.string(),
      price: z.object({ monthly: z.number(), currency: z.string() }),
      limits: z.object({
        instances: count,
        volumes: count,
        replicasPerService: count,
        perInstance: resources.describe("summed over one instance's services × replicas"),
        total: resources.describe("summed over every instance of the tenant meant to run"),
      }),
      defaultResources: z
        .object({ cpu: z.number(), memory: z.number(), pids: z.number() })
        .describe("what a service that declares no resources is given (memory in bytes)"),
      features: z.object({
        customDomains: z.boolean(),
        backups: z.boolean(),
        autoscaling: z.boolean(),
        approvalsOff: z.boolean(),
        export: z.boolean(),
      }),
      apiRequestsPerMinute: count,
      llmTokensPerMonth: count,
      buildMinutesPerMonth: count,
      default: z.boolean().describe("the plan new tenants get"),
    }),
  ),
);

const allowance = z.object({ used: z.number(), limit: z.number().nullable().describe("null: unlimited") });
const QUOTA_LIMITS = [
  "instances",
  "volumes",
  "replicasPerService",
  "perInstance.cpu",
  "perInstance.memory",
  "perInstance.pids",
  "total.cpu",
  "total.memory",
  "total.pids",
] as const;

export const tenantUsageSchema = named(
  "TenantUsage",
  viewSchema<UsageView>()(
    z.object({
      tenant: z.string(),
      plan: z.string(),
      instances: allowance,
      volumes: allowance,
      cpu: allowance.describe("cores of instances meant to run"),
      memory: allowance.describe("bytes of instances meant to run"),
      pids: allowance,
      perInstance: resources.describe("what one instance may be given"),
      replicasPerService: count,
      over: z
        .array(z.enum(QUOTA_LIMITS))
        .describe("limits the tenant is over: growth is refused until within them"),
    }),
  ),
);

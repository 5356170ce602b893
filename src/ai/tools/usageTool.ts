import * as z from "zod";
import { formatLimit } from "../../domain/plans.js";
import { formatMemory } from "../../domain/resourceLimits.js";
import { toolTenant } from "./targets.js";
import { tenantUsage } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

/** `tenant.usage`: what the tenant has against its plan's limits. */
export const tenantUsageTool = defineTool({
  name: "tenant.usage",
  description: "what the tenant runs against its plan: instances, CPU and memory, and the plan's limits",
  risk: "read",
  input: z.strictObject({}),
  permissions: () => ["tenant.read", "instance.read"],
  async run(ctx) {
    const usage = await tenantUsage(ctx.platform, await toolTenant(ctx));
    const { plan, used } = usage;
    const limits = plan.limits;
    return {
      say: [
        `Tenant ${ctx.tenant} is on plan ${plan.name} (${plan.title}).`,
        `Instances: ${used.instances} of ${formatLimit(limits.instances)}; running use: ${used.cpu} of ${formatLimit(limits.total.cpu)} CPU, ${formatMemory(used.memory)} of ${formatLimit(limits.total.memory, formatMemory)} memory.`,
        usage.instances.length
          ? `Instances: ${usage.instances.map((i) => `${i.name} (${i.plug}, ${i.state})`).join(", ")}.`
          : "No instances yet.",
      ].join("\n"),
      data: {
        plan: { name: plan.name, title: plan.title, limits, features: plan.features },
        used,
        instances: usage.instances,
        computedFrom: "the plan and the tenant's instances",
      },
    };
  },
});

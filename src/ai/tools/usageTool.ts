import * as z from "zod";
import { formatLimit } from "../../domain/plans.js";
import { formatMemory } from "../../domain/resourceLimits.js";
import { listInstances } from "../../store/instanceRepository.js";
import { toolTenant } from "./targets.js";
import { tenantUse } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

/** `tenant.usage`: what the tenant uses of its plan, read as the quota operation reads it (GET …/usage). */
export const tenantUsageTool = defineTool({
  name: "tenant.usage",
  description:
    "what the tenant runs against its plan: instances, volumes, CPU and memory, and the plan's limits",
  risk: "read",
  input: z.strictObject({}),
  permissions: () => ["tenant.read", "instance.read"],
  async run(ctx) {
    const tenant = await toolTenant(ctx);
    const { plan, view } = await tenantUse(ctx.platform, tenant);
    const instances = await listInstances(ctx.platform.store.db, { tenantId: tenant.id });
    const over = view.over.length
      ? `\nOver the plan on: ${view.over.join(", ")} (growth is refused until it is within).`
      : "";
    return {
      say:
        [
          `Tenant ${ctx.tenant} is on plan ${plan.name} (${plan.title}).`,
          `Instances: ${view.instances.used} of ${formatLimit(view.instances.limit)}; volumes: ${view.volumes.used} of ${formatLimit(view.volumes.limit)}; running use: ${view.cpu.used} of ${formatLimit(view.cpu.limit)} CPU, ${formatMemory(view.memory.used)} of ${formatLimit(view.memory.limit, formatMemory)} memory.`,
          instances.length
            ? `Instances: ${instances.map((i) => `${i.name} (${i.plug_id}, ${i.observed_state})`).join(", ")}.`
            : "No instances yet.",
        ].join("\n") + over,
      data: {
        ...view,
        title: plan.title,
        features: plan.features,
        instanceList: instances.map((i) => ({ name: i.name, plug: i.plug_id, state: i.observed_state })),
      },
    };
  },
});

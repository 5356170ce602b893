import * as z from "zod";
import { nameSchema, newNameSchema } from "../../domain/names.js";
import { deployInstance } from "../../lifecycle/deployInstance.js";
import { findInstance } from "../../store/instanceRepository.js";
import { actorOf } from "../../tenancy/principal.js";
import { describeInstance } from "./readTools.js";
import { redactInputs } from "./secretInputs.js";
import { describeResources, toolTenant } from "./targets.js";
import { impactOf, tenantUsage } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

const inputValue = z.union([z.string().max(10_000), z.number(), z.boolean()]).transform(String);

/** `instance.deploy`: a plug as a new instance (its name defaults to the plug's id). */
export const instanceDeploy = defineTool({
  name: "instance.deploy",
  description: "deploy a plug from the catalog as a new instance (waits until it is healthy)",
  risk: "spend",
  input: z
    .strictObject({
      plug: nameSchema,
      name: newNameSchema.optional(),
      inputs: z.record(z.string().max(100), inputValue).default({}),
    })
    .transform((a) => ({ plug: a.plug, name: a.name ?? a.plug, inputs: a.inputs })),
  permissions: () => ["instance.deploy"],
  async redact(ctx, args) {
    const plug = ctx.platform.catalog.entries.find((e) => e.plug.id === args.plug)?.plug;
    return { ...args, inputs: redactInputs(plug, args.inputs) };
  },
  async plan(ctx, args) {
    const { plug } = ctx.platform.catalog.get(args.plug);
    const tenant = await toolTenant(ctx);
    const resources = plug.services.reduce(
      (sum, s) => ({ cpu: sum.cpu + s.resources.cpu, memory: sum.memory + s.resources.memory }),
      { cpu: 0, memory: 0 },
    );
    const usage = await tenantUsage(ctx.platform, tenant);
    const existing = await findInstance(ctx.platform.store.db, tenant.id, args.name);
    const notes = existing
      ? [
          `${args.name} exists already (${existing.plug_id}): this deploys nothing new if it is the same plug and inputs`,
        ]
      : [];
    const inputs = Object.keys(args.inputs);
    return {
      summary: `Deploy plug ${plug.id} ${plug.version} as instance ${args.name} in tenant ${ctx.tenant}: ${plug.services.length === 1 ? "1 service" : `${plug.services.length} services`} (${plug.services.map((s) => s.name).join(", ")}), ${describeResources(resources)}${inputs.length ? `, with ${inputs.join(", ")} set` : ""}`,
      impact: impactOf(
        usage,
        existing ? { instances: 0, cpu: 0, memory: 0 } : { instances: 1, ...resources },
        notes,
      ),
    };
  },
  async run(ctx, caller, args) {
    const outcome = await deployInstance(
      ctx.platform,
      { plug: args.plug, tenant: ctx.tenant, name: args.name, set: args.inputs },
      actorOf(caller),
      ctx.progress,
    );
    if (outcome.kind !== "deployed") return { say: "Nothing was deployed (a plan only)." };
    const view = outcome.instance;
    return {
      say: `${outcome.reused ? "Already there" : "Deployed"}: ${describeInstance(view)}.`,
      data: view,
    };
  },
});

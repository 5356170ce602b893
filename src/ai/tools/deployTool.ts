import * as z from "zod";
import { nameSchema, newNameSchema } from "../../domain/names.js";
import { sizePlug } from "../../domain/sizedPlug.js";
import { deployablePlug } from "../../lifecycle/deployablePlug.js";
import { deployInstance } from "../../lifecycle/deployInstance.js";
import { instanceUse } from "../../quota/tenantUsage.js";
import { findInstance } from "../../store/instanceRepository.js";
import { findTenantByName } from "../../store/tenantRepository.js";
import { actorOf } from "../../tenancy/principal.js";
import { describeInstance } from "./readTools.js";
import { redactInputs } from "./secretInputs.js";
import { describeResources, toolTenant } from "./targets.js";
import { impactOf, storedUse, tenantUse } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

const inputValue = z.union([z.string().max(10_000), z.number(), z.boolean()]).transform(String);

/** `instance.deploy`: a plug as a new instance (its name defaults to the plug's id). */
export const instanceDeploy = defineTool({
  name: "instance.deploy",
  description:
    "deploy a plug from the catalog, or one of the tenant's own imported plugs, as a new instance (waits until it is healthy)",
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
    const tenant = await findTenantByName(ctx.platform.store.db, ctx.tenant);
    const plug = await deployablePlug(ctx.platform, tenant?.id, args.plug).then(
      (e) => e.plug,
      () => undefined,
    );
    return { ...args, inputs: redactInputs(plug, args.inputs) };
  },
  async plan(ctx, args) {
    const tenant = await toolTenant(ctx);
    // The tenant's own plug (imported from a compose file) by that name, else the catalog's.
    const { plug } = await deployablePlug(ctx.platform, tenant.id, args.plug);
    const use = await tenantUse(ctx.platform, tenant);
    const sized = sizePlug(plug, use.plan.defaultResources);
    const after = instanceUse(args.name, { plug: sized }, true);
    const existing = await findInstance(ctx.platform.store.db, tenant.id, args.name);
    const before = existing ? storedUse(existing) : undefined;
    const notes = existing
      ? [
          `${args.name} exists already (${existing.plug_id}): this deploys nothing new if it is the same plug and inputs`,
        ]
      : [];
    const inputs = Object.keys(args.inputs);
    return {
      summary: `Deploy plug ${plug.id} ${plug.version} as instance ${args.name} in tenant ${ctx.tenant}: ${plug.services.length === 1 ? "1 service" : `${plug.services.length} services`} (${plug.services.map((s) => s.name).join(", ")}), ${describeResources(after.footprint)}${inputs.length ? `, with ${inputs.join(", ")} set` : ""}`,
      impact: impactOf(
        ctx.platform.plans.all,
        use,
        before ? { what: "this deploy", before, after: before } : { what: "this deploy", after },
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

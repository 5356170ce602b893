import * as z from "zod";
import { addDomain, removeDomain } from "../../lifecycle/customDomains.js";
import { actorOf } from "../../tenancy/principal.js";
import { instanceArg, toolInstance, toolTenant } from "./targets.js";
import { impactOf, storedUse, tenantUse } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

const domainInput = z.strictObject({ instance: instanceArg, host: z.string().min(1).max(300) });

/** domain.add / domain.remove: the same operations as `aims domain add|rm`. */
function domainTool(verb: "add" | "remove") {
  return defineTool({
    name: verb === "add" ? "domain.add" : "domain.remove",
    description:
      verb === "add" ? "route a custom domain to an instance" : "stop routing a custom domain to an instance",
    risk: "change",
    input: domainInput,
    permissions: () => ["instance.deploy"],
    async plan(ctx, args) {
      const { instance } = await toolInstance(ctx, args.instance);
      const use = await tenantUse(ctx.platform, await toolTenant(ctx));
      const same = storedUse(instance);
      return {
        summary:
          verb === "add"
            ? `Route the domain ${args.host} to ${instance.name} in tenant ${ctx.tenant} (through AIMS's proxy)`
            : `Stop routing the domain ${args.host} to ${instance.name} in tenant ${ctx.tenant}`,
        impact: impactOf(ctx.platform.plans.all, use, { what: "this domain", before: same, after: same }),
      };
    },
    async run(ctx, caller, args) {
      const input = { tenant: ctx.tenant, name: args.instance, host: args.host };
      const change =
        verb === "add"
          ? await addDomain(ctx.platform, input, actorOf(caller))
          : await removeDomain(ctx.platform, input, actorOf(caller));
      const say =
        verb === "add"
          ? `${change.host} ${change.changed ? "now routes" : "already routed"} to ${change.instance}: ${change.url}`
          : `${change.host} ${change.changed ? "no longer routes" : "was not routed"} to ${change.instance}.`;
      return { say, data: change };
    },
  });
}

export const domainAdd = domainTool("add");
export const domainRemove = domainTool("remove");

import * as z from "zod";
import { AimsError } from "../../domain/errors.js";
import { nameSchema } from "../../domain/names.js";
import { formatMemory } from "../../domain/resourceLimits.js";
import { requireInstance } from "../../lifecycle/requireInstance.js";
import { findTenantByName, type TenantRow } from "../../store/tenantRepository.js";
import type { ToolContext } from "./tool.js";

/** The `instance` argument: an instance name in the conversation's tenant, never an id. */
export const instanceArg = nameSchema.describe("an instance name in this tenant, like web");

/** Tools that take only an instance. */
export const instanceOnly = z.strictObject({ instance: instanceArg });

/** The tenant a tool acts in (authorised by runTool before any tool runs). */
export async function toolTenant(ctx: ToolContext): Promise<TenantRow> {
  const tenant = await findTenantByName(ctx.platform.store.db, ctx.tenant);
  if (!tenant) throw new AimsError("not_found", `no tenant ${ctx.tenant}`);
  return tenant;
}

/** The instance a tool acts on, or AimsError("not_found") naming the tenant's instances. */
export async function toolInstance(ctx: ToolContext, name: string) {
  try {
    return await requireInstance(ctx.platform, ctx.tenant, name);
  } catch (err) {
    if (!(err instanceof AimsError) || err.code !== "not_found") throw err;
    const tenant = await findTenantByName(ctx.platform.store.db, ctx.tenant);
    const names = tenant
      ? (
          await ctx.platform.store.db
            .selectFrom("instances")
            .select("name")
            .where("tenant_id", "=", tenant.id)
            .where("removed_at", "is", null)
            .orderBy("name")
            .execute()
        ).map((r) => r.name)
      : [];
    throw new AimsError(
      "not_found",
      `there is no instance ${name} in tenant ${ctx.tenant}${names.length ? ` (there are: ${names.join(", ")})` : " (it has none yet)"}`,
    );
  }
}

/** `0.25 CPU, 64m` for a person. */
export function describeResources(r: { cpu: number; memory: number }): string {
  return `${Number(r.cpu.toFixed(3))} CPU, ${formatMemory(r.memory)} memory`;
}

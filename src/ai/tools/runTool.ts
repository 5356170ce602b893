import { type Caller, requireTenant } from "../../tenancy/principal.js";
import { parseToolArgs } from "./registry.js";
import type { Tool, ToolAnswer, ToolContext } from "./tool.js";

/**
 * Runs a tool for a caller in the context's tenant: the arguments are parsed by the tool's schema, the caller's
 * role is checked with the permissions the API checks for the same operation (another tenant is not_found, a
 * role that falls short forbidden), then the tool runs the operation. Approvals are decided before this, by
 * whoever calls it (src/approvals/proposeAction.ts); this is the one way a tool runs.
 */
export async function runTool(
  tool: Tool,
  ctx: ToolContext,
  caller: Caller,
  rawArgs: unknown,
): Promise<ToolAnswer> {
  const args = parseToolArgs(tool, rawArgs);
  await authoriseTool(tool, ctx, caller, args);
  return tool.run(ctx, caller, args);
}

/** Throws unless the caller may run the tool with these (parsed) arguments in the context's tenant. */
export async function authoriseTool(
  tool: Tool,
  ctx: ToolContext,
  caller: Caller,
  args: Record<string, unknown>,
): Promise<void> {
  const permissions = tool.permissions(args);
  // Even a tool that needs no permission (catalog, help) runs only for someone who can see the tenant.
  for (const permission of permissions.length ? permissions : (["instance.read"] as const))
    await requireTenant(ctx.platform.store.db, caller.principal, ctx.tenant, permission);
}

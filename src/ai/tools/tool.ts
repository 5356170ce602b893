import type * as z from "zod";
import type { Risk } from "../../domain/approvals.js";
import type { Platform } from "../../platform.js";
import type { ProgressSink } from "../../runtime/RuntimeDriver.js";
import type { Caller } from "../../tenancy/principal.js";
import type { Permission } from "../../tenancy/roles.js";
import type { ToolName } from "../intent/types.js";

/** Where a tool runs: the platform, the one tenant it may act in, and where long steps report progress. */
export interface ToolContext {
  platform: Platform;
  /** The tenant's name: a tool never reaches another tenant (its arguments name instances, never tenants). */
  tenant: string;
  progress: ProgressSink;
}

/** What a tool answers: a sentence for the person, and the data behind it (never a secret). */
export interface ToolAnswer {
  say: string;
  data?: unknown;
}

/** What running a tool that changes something will do, shown in its approval before anything happens. */
export interface ToolPlan {
  /** In plain words: "Deploy plug static-site as instance web (1 service) in tenant acme". */
  summary: string;
  impact: ToolImpact;
}

/** The resources an action adds (positive) or frees (negative) and where that leaves the plan's limits. */
export interface ToolImpact {
  /** Change in instances meant to run, CPU cores and bytes of memory. */
  resources: { instances: number; cpu: number; memory: number };
  /** The tenant's plan and its use after the action: `used` / `limit` (null: unlimited). */
  plan: {
    name: string;
    instances: { used: number; limit: number | null };
    cpu: { used: number; limit: number | null };
    memory: { used: number; limit: number | null };
  };
  /** What a person should know: "frees 64m", "over the plan's memory: the deploy will be refused". */
  notes: string[];
}

/**
 * One ACHEEVY tool: a platform operation with a typed input, a description and a risk class fixed here (never
 * taken from a model). `run` calls the same operation the CLI and the API call, after `runTool` has checked the
 * caller's role in the tenant with the same permissions the API checks, so quotas, roles and isolation hold.
 */
export interface Tool<S extends z.ZodType = z.ZodType> {
  name: ToolName;
  description: string;
  risk: Risk;
  input: S;
  /** The permissions the caller needs in the tenant for these arguments (the API route's). */
  permissions(args: z.output<S>): Permission[];
  /** The arguments as people may read them (an approval's view, audit): secret inputs replaced. Default: as they are. */
  redact?(ctx: ToolContext, args: z.output<S>): Promise<unknown>;
  /** What it will do, for an approval (reads only; fails like `run` would when the target does not exist). */
  plan?(ctx: ToolContext, args: z.output<S>): Promise<ToolPlan>;
  run(ctx: ToolContext, caller: Caller, args: z.output<S>): Promise<ToolAnswer>;
}

/** Declares a tool with its argument type inferred from its schema. */
export function defineTool<S extends z.ZodType>(tool: Tool<S>): Tool {
  return tool as unknown as Tool;
}

import * as z from "zod";
import { AimsError } from "../../domain/errors.js";
import { formatIssues } from "../../domain/zodIssues.js";
import { TOOL_NAMES, type ToolName } from "../intent/types.js";
import { catalogDescribe, catalogSearch } from "./catalogTools.js";
import { instanceRemove, instanceScale, instanceUpdate } from "./changeTools.js";
import { instanceDeploy } from "./deployTool.js";
import { domainAdd, domainRemove } from "./domainTools.js";
import { instanceExplain } from "./explainTool.js";
import { instanceHistoryTool, instanceList, instanceLogs, instanceStatus } from "./readTools.js";
import {
  instanceRestart,
  instanceResume,
  instanceStart,
  instanceStop,
  instanceSuspend,
} from "./stateTools.js";
import { defineTool, type Tool } from "./tool.js";
import { tenantUsageTool } from "./usageTool.js";

const RISK_WORDS = {
  read: "reads only",
  change: "changes something",
  destructive: "destroys something",
  spend: "uses more of the plan",
} as const;

/** `help`: what ACHEEVY can do, tool by tool, with what each risks. */
const help = defineTool({
  name: "help",
  description: "what ACHEEVY can do",
  risk: "read",
  input: z.strictObject({ topic: z.string().max(100).optional() }),
  permissions: () => [],
  async run(_ctx, _caller, args) {
    const topic = args.topic?.toLowerCase().trim();
    const tools = TOOLS.filter((t) => !topic || t.name.includes(topic) || t.description.includes(topic));
    const shown = tools.length ? tools : TOOLS;
    return {
      say: [
        "I can do these things in this tenant (anything that changes something waits for a person's approval, as the tenant's policy says):",
        ...shown.map((t) => `- ${t.name}: ${t.description} (${RISK_WORDS[t.risk]})`),
        'Try "what\'s running?", "deploy the static site as web", "why did web fail?", "stop web".',
      ].join("\n"),
      data: { tools: shown.map((t) => ({ name: t.name, description: t.description, risk: t.risk })) },
    };
  },
});

/** Every tool, in the contract's order (src/ai/intent/types.ts). Export is not available yet ("Plug Export"). */
const TOOLS: readonly Tool[] = [
  catalogSearch,
  catalogDescribe,
  instanceDeploy,
  instanceList,
  instanceStatus,
  instanceLogs,
  instanceStop,
  instanceStart,
  instanceRestart,
  instanceScale,
  instanceUpdate,
  instanceSuspend,
  instanceResume,
  instanceRemove,
  domainAdd,
  domainRemove,
  instanceHistoryTool,
  instanceExplain,
  tenantUsageTool,
  help,
];

const BY_NAME = new Map<string, Tool>(TOOLS.map((t) => [t.name, t]));

/** Every tool of the registry. */
export function allTools(): readonly Tool[] {
  return TOOLS;
}

/** True when `name` is a tool name of the contract. */
export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

/** The tool of this name, or AimsError("invalid_input") listing the tools there are. */
export function toolNamed(name: string): Tool {
  const tool = BY_NAME.get(name);
  if (!tool)
    throw new AimsError(
      "invalid_input",
      `there is no tool ${name.slice(0, 60)}; the tools are ${TOOL_NAMES.join(", ")}`,
    );
  return tool;
}

/** A tool's arguments parsed by its own schema; a mistake is AimsError("invalid_input") naming the field. */
export function parseToolArgs(tool: Tool, args: unknown): Record<string, unknown> {
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) throw new AimsError("invalid_input", `${tool.name}: ${formatIssues(parsed.error)}`);
  return parsed.data as Record<string, unknown>;
}

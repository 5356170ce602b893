import { formatMemory } from "../../domain/resourceLimits.js";
import type { ToolCall } from "./types.js";

/** One short line for a planned call: what will happen, in plain words. */
function lineFor(call: ToolCall): string {
  const a = call.args as Record<string, string | number | boolean | Record<string, unknown> | undefined>;
  const on = a.service ? `${a.service} of ${a.instance}` : `${a.instance}`;
  switch (call.tool) {
    case "instance.deploy":
      return `Deploy ${a.plug}${a.name ? ` as ${a.name}` : ""}${a.inputs ? ` with ${Object.keys(a.inputs as object).join(", ")}` : ""}.`;
    case "instance.list":
      return "List your instances.";
    case "instance.status":
      return `Show the status of ${a.instance}.`;
    case "instance.logs":
      return `Show ${a.lines ? `the last ${a.lines} lines of ` : ""}the logs of ${on}.`;
    case "instance.stop":
      return `Stop ${a.instance}.`;
    case "instance.start":
      return `Start ${a.instance}.`;
    case "instance.restart":
      return `Restart ${a.instance}.`;
    case "instance.scale":
      return `Scale ${on} to ${a.replicas} replica${a.replicas === 1 ? "" : "s"}.`;
    case "instance.update": {
      const changes = [
        typeof a.memory === "number"
          ? `memory ${formatMemory(a.memory)}`
          : a.memory
            ? `memory ${a.memory}`
            : "",
        a.cpu !== undefined ? `CPU ${a.cpu} core${a.cpu === 1 ? "" : "s"}` : "",
        a.pids !== undefined ? `${a.pids} processes` : "",
        a.inputs ? Object.keys(a.inputs as object).join(", ") : "",
      ].filter(Boolean);
      return `Update ${on}: ${changes.join(", ")}.`;
    }
    case "instance.suspend":
      return `Suspend ${a.instance}.`;
    case "instance.resume":
      return `Resume ${a.instance}.`;
    case "instance.remove":
      return `Remove ${a.instance}${a.keepVolumes === true ? ", keeping its data" : a.keepVolumes === false ? " and its data" : ""}.`;
    case "domain.add":
      return `Serve ${a.instance} on ${a.host}.`;
    case "domain.remove":
      return `Stop serving ${a.instance} on ${a.host}.`;
    case "instance.history":
      return `Show the history of ${a.instance}.`;
    case "instance.explain":
      return `Explain why ${a.instance} failed and what to do.`;
    case "tenant.usage":
      return "Show your usage, limits and plan.";
    case "catalog.search":
      return `Search the catalog for "${a.query}".`;
    case "catalog.describe":
      return `Describe ${a.plug}.`;
    case "help":
      return "Show what I can do.";
  }
}

/** The reply to planned calls: each in one line; changes wait for an approval. */
export function replyFor(actions: readonly ToolCall[]): string {
  return actions.map(lineFor).join(" ");
}

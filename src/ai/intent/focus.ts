import type { IntentContext, ToolCall } from "./types.js";

/**
 * What "it", "that one" and "the same" point at: the instances, the plug and the domain of the turns
 * before, newest first. A deploy's instance is its name, or the plug id it defaults to.
 */
export interface Focus {
  instances: string[];
  plug?: string;
  /** A catalog search of a turn before, to pick its best plug from when told "deploy that one". */
  query?: string;
  host?: { instance: string; host: string };
  /** The newest tool call, which "and notes too" or "make it 2" repeats with a change. */
  last?: ToolCall;
  /** Instances deployed in the conversation, by name: their plug, before the tenant's list shows them. */
  deployed?: Record<string, string>;
}

function instanceOf(call: ToolCall): string | undefined {
  if (typeof call.args.instance === "string") return call.args.instance;
  if (call.tool === "instance.deploy")
    return typeof call.args.name === "string" ? call.args.name : (call.args.plug as string | undefined);
  return undefined;
}

/** Adds one call's references to the focus, as the newest. */
export function pushCall(focus: Focus, call: ToolCall): Focus {
  const instance = instanceOf(call);
  const instances = instance ? [instance, ...focus.instances.filter((n) => n !== instance)] : focus.instances;
  const plug = typeof call.args.plug === "string" ? call.args.plug : focus.plug;
  const query =
    call.tool === "catalog.search" && typeof call.args.query === "string" ? call.args.query : focus.query;
  const host =
    (call.tool === "domain.add" || call.tool === "domain.remove") &&
    typeof call.args.host === "string" &&
    instance
      ? { instance, host: call.args.host }
      : focus.host;
  const deployed =
    call.tool === "instance.deploy" && instance && typeof call.args.plug === "string"
      ? { ...focus.deployed, [instance]: call.args.plug }
      : focus.deployed;
  return { instances, plug, query, host, last: call, deployed };
}

/** The focus after the earlier turns of the conversation. */
export function focusOf(history: IntentContext["history"]): Focus {
  let focus: Focus = { instances: [] };
  for (const turn of history) {
    for (const call of turn.did) focus = pushCall(focus, call);
    // A turn whose calls name nothing new leaves its plug and query behind only if it was about them.
    if (
      turn.did.length &&
      !turn.did.some((c) => c.tool.startsWith("catalog.") || c.tool === "instance.deploy")
    )
      focus = { ...focus, query: undefined };
  }
  return focus;
}

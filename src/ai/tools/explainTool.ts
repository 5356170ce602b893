import { explainFailure } from "../../domain/failureAdvice.js";
import { parseFailure } from "../../domain/instanceFailure.js";
import { effectivePlug, parseSpec } from "../../domain/instanceSpec.js";
import { instanceHistory } from "../../lifecycle/instanceHistory.js";
import { instanceOnly, toolInstance } from "./targets.js";
import { defineTool } from "./tool.js";

/** The memory of the service a failure names (`container web-1` → web), from the instance's spec. */
function memoryOf(specText: string, what: string): number | undefined {
  try {
    const plug = effectivePlug(parseSpec(specText));
    const service =
      plug.services.find((s) => new RegExp(`\\b${s.name}-\\d+\\b`).test(what)) ?? plug.services[0];
    return service?.resources.memory;
  } catch {
    return undefined;
  }
}

/** `instance.explain`: why an instance failed and what to do, from its last failure and its history. */
export const instanceExplain = defineTool({
  name: "instance.explain",
  description:
    "explain why an instance failed (what, exit code, out of memory, last log lines) and what to do",
  risk: "read",
  input: instanceOnly,
  permissions: () => ["instance.read"],
  async run(ctx, _caller, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const failure = parseFailure(instance.last_failure);
    const history = await instanceHistory(ctx.platform, { tenant: ctx.tenant, name: instance.name });
    const rolledBack = history.revisions.filter((r) => r.outcome === "rolled_back" || r.outcome === "failed");
    const explanation = explainFailure(
      instance.name,
      instance.observed_state,
      failure,
      failure ? memoryOf(instance.spec, failure.what) : undefined,
    );
    const lines = [explanation.what];
    if (explanation.evidence.length) lines.push(`Evidence: ${explanation.evidence.join("; ")}.`);
    if (rolledBack.length)
      lines.push(
        `Earlier: ${rolledBack.map((r) => `revision ${r.revision} ${r.outcome.replace("_", " ")}${r.reason ? ` (${r.reason})` : ""}`).join("; ")}.`,
      );
    if (explanation.next.length) lines.push(`What to do: ${explanation.next.join("; ")}.`);
    return {
      say: lines.join("\n"),
      data: {
        state: instance.observed_state,
        lastFailure: failure,
        ...explanation,
        revisions: history.revisions,
      },
    };
  },
});

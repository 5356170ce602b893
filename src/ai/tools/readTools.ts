import * as z from "zod";
import { nameSchema } from "../../domain/names.js";
import { numberFromText, wholeNumberSchema } from "../../domain/numbers.js";
import { instanceHistory } from "../../lifecycle/instanceHistory.js";
import { type InstanceView, viewOf } from "../../lifecycle/instanceView.js";
import { listInstanceViews } from "../../lifecycle/listInstances.js";
import { streamInstanceLogs } from "../../lifecycle/streamInstanceLogs.js";
import { instanceArg, instanceOnly, toolInstance } from "./targets.js";
import { defineTool } from "./tool.js";

/** `web (static-site): ready at http://…` — one instance in a sentence. */
export function describeInstance(v: InstanceView): string {
  const url = v.proxyUrl ?? v.url;
  const reason = v.reason && v.state !== "ready" ? ` — ${v.reason}` : "";
  return `${v.name} (${v.plug}): ${v.state}${url && v.state === "ready" ? ` at ${url}` : ""}${reason}`;
}

/** `instance.list`: what the tenant runs. */
export const instanceList = defineTool({
  name: "instance.list",
  description: "list the tenant's instances with their state and URL",
  risk: "read",
  input: z.strictObject({}),
  permissions: () => ["instance.read"],
  async run(ctx) {
    const views = await listInstanceViews(ctx.platform, ctx.tenant);
    if (!views.length)
      return {
        say: `Nothing is running in ${ctx.tenant} yet. Say "deploy static-site" to start one.`,
        data: { instances: [] },
      };
    return {
      say: `${views.length === 1 ? "One instance" : `${views.length} instances`} in ${ctx.tenant}:\n${views.map((v) => `- ${describeInstance(v)}`).join("\n")}`,
      data: { instances: views },
    };
  },
});

/** `instance.status`: one instance's state, URL and reason. */
export const instanceStatus = defineTool({
  name: "instance.status",
  description: "the state, URL and last reason of one instance",
  risk: "read",
  input: instanceOnly,
  permissions: () => ["instance.read"],
  async run(ctx, _caller, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const view = await viewOf(ctx.platform, instance);
    const failure = view.lastFailure ? ` Last failure: ${view.lastFailure.reason}` : "";
    return { say: `${describeInstance(view)}.${failure}`, data: view };
  },
});

const LINES_DEFAULT = 20;

/** `instance.logs`: the last lines of an instance's containers (one service's, when named). */
export const instanceLogs = defineTool({
  name: "instance.logs",
  description: "the last log lines of an instance (or of one of its services)",
  risk: "read",
  input: z.strictObject({
    instance: instanceArg,
    service: nameSchema.optional(),
    lines: numberFromText(wholeNumberSchema(1, 200)).default(LINES_DEFAULT),
  }),
  permissions: () => ["instance.logs"],
  async run(ctx, _caller, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const lines: string[] = [];
    await streamInstanceLogs(
      await ctx.platform.reconciler(),
      instance.id,
      { tail: args.lines, follow: false, signal: new AbortController().signal },
      (line) => lines.push(line),
    );
    const wanted = args.service ? lines.filter((l) => l.startsWith(`${args.service}-`)) : lines;
    const last = wanted.slice(-args.lines).map((l) => l.replace(/\n$/, ""));
    if (!last.length)
      return {
        say: `${instance.name} has no log lines${args.service ? ` from ${args.service}` : ""} (is it running?).`,
        data: { lines: [] },
      };
    return {
      say: `The last ${last.length} log lines of ${instance.name}:\n${last.join("\n")}`,
      data: { lines: last },
    };
  },
});

/** `instance.history`: revisions, who asked, what became of each. */
export const instanceHistoryTool = defineTool({
  name: "instance.history",
  description: "the revisions of an instance: what changed, who asked, and what became of each",
  risk: "read",
  input: instanceOnly,
  permissions: () => ["instance.read"],
  async run(ctx, _caller, args) {
    await toolInstance(ctx, args.instance);
    const history = await instanceHistory(ctx.platform, { tenant: ctx.tenant, name: args.instance });
    const lines = history.revisions.map(
      (r) =>
        `- revision ${r.revision}${r.running ? " (running)" : ""}: ${Object.keys(r.changes).join(", ") || "no change"} by ${r.by ?? "?"} at ${r.at.slice(0, 19).replace("T", " ")} — ${r.outcome}${r.reason ? `: ${r.reason}` : ""}`,
    );
    return { say: `History of ${args.instance}:\n${lines.join("\n")}`, data: history };
  },
});

import { changeInstanceState } from "../../lifecycle/changeInstanceState.js";
import { actorOf } from "../../tenancy/principal.js";
import type { Permission } from "../../tenancy/roles.js";
import type { ToolName } from "../intent/types.js";
import { describeInstance } from "./readTools.js";
import { describeResources, instanceOnly, toolInstance, toolTenant } from "./targets.js";
import { impactOf, storedUse, tenantUse } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

type Verb = "stop" | "start" | "restart" | "suspend" | "resume";

const WHAT: Record<Verb, { permission: Permission; does: string; runs: boolean | undefined }> = {
  stop: { permission: "instance.operate", does: "its containers stop; its data is kept", runs: false },
  start: { permission: "instance.operate", does: "its containers start again (health-gated)", runs: true },
  restart: {
    permission: "instance.operate",
    does: "every container restarts (health-gated)",
    runs: undefined,
  },
  suspend: {
    permission: "instance.suspend",
    does: "it stops without losing data until resumed",
    runs: false,
  },
  resume: { permission: "instance.suspend", does: "it starts again (health-gated)", runs: true },
};

const PAST: Record<Verb, string> = {
  stop: "Stopped",
  start: "Started",
  restart: "Restarted",
  suspend: "Suspended",
  resume: "Resumed",
};

/** stop / start / restart / suspend / resume: the same operation as `aims stop` and `POST …/actions/stop`. */
function stateTool(verb: Verb) {
  const what = WHAT[verb];
  return defineTool({
    name: `instance.${verb}` as ToolName,
    description: `${verb} an instance: ${what.does}`,
    risk: "change",
    input: instanceOnly,
    permissions: () => [what.permission],
    async plan(ctx, args) {
      const { instance } = await toolInstance(ctx, args.instance);
      const use = await tenantUse(ctx.platform, await toolTenant(ctx));
      const before = storedUse(instance);
      const after = { ...before, running: what.runs ?? before.running };
      const notes = before.running && !after.running ? [`frees ${describeResources(before.footprint)}`] : [];
      return {
        summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} instance ${instance.name} (${instance.plug_id}) in tenant ${ctx.tenant}: ${what.does}`,
        impact: impactOf(ctx.platform.plans.all, use, { what: "starting it", before, after }, notes),
      };
    },
    async run(ctx, caller, args) {
      const view = await changeInstanceState(
        ctx.platform,
        { tenant: ctx.tenant, name: args.instance, action: verb },
        actorOf(caller),
        ctx.progress,
      );
      return {
        say: view.unchanged
          ? `${view.name} already was ${view.state}: nothing to do.`
          : `${PAST[verb]}: ${describeInstance(view)}.`,
        data: view,
      };
    },
  });
}

export const instanceStop = stateTool("stop");
export const instanceStart = stateTool("start");
export const instanceRestart = stateTool("restart");
export const instanceSuspend = stateTool("suspend");
export const instanceResume = stateTool("resume");

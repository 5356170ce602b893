import { z } from "zod";
import type { Actor } from "../lifecycle/actor.js";
import { removeInstance } from "../lifecycle/removeInstance.js";
import type { Platform } from "../main.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { Permission } from "../tenancy/roles.js";

/** What an action handler gets: the instance it acts on (already authorised) and the parsed body. */
export interface ActionContext<B> {
  platform: Platform;
  tenant: string;
  name: string;
  body: B;
  actor: Actor;
  progress: ProgressSink;
}

/** One instance action: the permission it needs, its body schema and the lifecycle operation it calls. */
export interface InstanceAction<S extends z.ZodType = z.ZodType> {
  permission: Permission;
  body: S;
  summary: string;
  run(ctx: ActionContext<z.output<S>>): Promise<unknown>;
}

function action<S extends z.ZodType>(spec: InstanceAction<S>): InstanceAction {
  return spec as unknown as InstanceAction;
}

/**
 * `POST /v1/tenants/{tenant}/instances/{name}/actions/{action}` dispatches through this table: a new lifecycle
 * action is one entry here. Deploy is `POST …/instances` (it creates the instance).
 *
 * Expected next (lifecycle work in progress), with the permission each will need:
 *   stop, start, restart → instance.operate; scale → instance.scale; suspend, resume → instance.suspend;
 *   update → instance.deploy.
 */
export const INSTANCE_ACTIONS: Readonly<Record<string, InstanceAction>> = {
  delete: action({
    permission: "instance.delete",
    summary: "decommission: remove containers, network, ports and (unless kept) volumes",
    body: z.strictObject({ keepVolumes: z.boolean().default(false) }),
    run: ({ platform, tenant, name, body, actor, progress }) =>
      removeInstance(platform, { tenant, name, keepVolumes: body.keepVolumes }, actor, progress),
  }),
};

import * as z from "zod";
import type { Actor } from "../lifecycle/actor.js";
import { changeInstanceState } from "../lifecycle/changeInstanceState.js";
import { removeInstance } from "../lifecycle/removeInstance.js";
import { scaleInputSchema, scaleInstance } from "../lifecycle/scaleInstance.js";
import { updateInputSchema, updateInstance } from "../lifecycle/updateInstance.js";
import type { Platform } from "../platform.js";
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
  /** More permissions a body asks for (pinning images); checked once the body is parsed. */
  alsoNeeds?: (body: z.output<S>) => Permission[];
  body: S;
  summary: string;
  run(ctx: ActionContext<z.output<S>>): Promise<unknown>;
}

function action<S extends z.ZodType>(spec: InstanceAction<S>): InstanceAction {
  return spec as unknown as InstanceAction;
}

const noBody = z.strictObject({});

function stateChange(
  verb: "stop" | "start" | "restart" | "suspend" | "resume",
  permission: Permission,
  summary: string,
) {
  return action({
    permission,
    summary,
    body: noBody,
    run: ({ platform, tenant, name, actor, progress }) =>
      changeInstanceState(platform, { tenant, name, action: verb }, actor, progress),
  });
}

/**
 * `POST /v1/tenants/{tenant}/instances/{name}/actions/{action}` dispatches through this table: a new lifecycle
 * action is one entry here (the body schema, the permission, the operation). Deploy is `POST …/instances`.
 * Each runs until the reconciler has settled the instance and answers with its view.
 */
export const INSTANCE_ACTIONS: Readonly<Record<string, InstanceAction>> = {
  stop: stateChange("stop", "instance.operate", "stop the containers, keep the data"),
  start: stateChange("start", "instance.operate", "start a stopped instance (health-gated)"),
  restart: stateChange("restart", "instance.operate", "restart every container (health-gated)"),
  suspend: stateChange(
    "suspend",
    "instance.suspend",
    "stop without losing data (plan lapse, operator action)",
  ),
  resume: stateChange("resume", "instance.suspend", "start a suspended instance again"),
  scale: action({
    permission: "instance.scale",
    summary: "set the replica count of a stateless service",
    body: z.strictObject(scaleInputSchema.omit({ tenant: true, name: true }).shape),
    run: ({ platform, tenant, name, body, actor, progress }) =>
      scaleInstance(platform, { ...body, tenant, name }, actor, progress),
  }),
  update: action({
    permission: "instance.deploy",
    alsoNeeds: (body) => (Object.keys(body.images).length ? ["instance.image"] : []),
    summary: "new revision: inputs, images, limits or the catalog's plug version (rolls back if unhealthy)",
    body: z.strictObject(updateInputSchema.omit({ tenant: true, name: true }).shape),
    run: ({ platform, tenant, name, body, actor, progress }) =>
      updateInstance(platform, { ...body, tenant, name }, actor, progress),
  }),
  delete: action({
    permission: "instance.delete",
    summary: "decommission: remove containers, network, ports and (unless kept) volumes",
    body: z.strictObject({ keepVolumes: z.boolean().default(false) }),
    run: ({ platform, tenant, name, body, actor, progress }) =>
      removeInstance(platform, { tenant, name, keepVolumes: body.keepVolumes }, actor, progress),
  }),
};

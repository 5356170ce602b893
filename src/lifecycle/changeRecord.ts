import type { Actor } from "./actor.js";

/** The event + audit pair for one change to an instance, written by `recordChange` in the change's transaction. */
export function instanceChange(
  actor: Actor,
  tenant: { id: string; name: string },
  instance: { id: string; name: string },
  change: { event: string; action: string; result?: "ok" | "failed"; data?: Record<string, unknown> },
) {
  const data = change.data ?? {};
  return {
    event: {
      type: change.event,
      tenantId: tenant.id,
      subject: instance.id,
      data: { name: instance.name, ...data },
    },
    audit: {
      actor: actor.id,
      source: actor.source,
      action: change.action,
      target: `instance/${tenant.name}/${instance.name}`,
      tenantId: tenant.id,
      result: change.result ?? ("ok" as const),
      data,
    },
  };
}

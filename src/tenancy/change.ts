import type { ChangeRecord } from "../store/recordChange.js";
import { actorOf, type Caller } from "./principal.js";

/** The event + audit pair of a change to people, keys or tenants (data never holds a secret). */
export function peopleChange(
  caller: Caller | { actor: string; source: string },
  change: {
    event: string;
    action: string;
    target: string;
    tenantId: string | null;
    subject: string;
    data?: Record<string, unknown>;
  },
): ChangeRecord {
  const actor = "principal" in caller ? actorOf(caller) : { id: caller.actor, source: caller.source };
  const data = change.data ?? {};
  return {
    event: { type: change.event, tenantId: change.tenantId, subject: change.subject, data },
    audit: {
      actor: actor.id,
      source: actor.source,
      action: change.action,
      target: change.target,
      tenantId: change.tenantId,
      result: "ok",
      data,
    },
  };
}

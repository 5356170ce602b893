import type { Actor } from "../lifecycle/actor.js";
import type { ApprovalRow } from "../store/approvalRepository.js";
import type { ChangeRecord } from "../store/recordChange.js";

/** The event + audit pair of one step of an approval (requested, approved, denied, expired, executed, failed). */
export function approvalChange(
  actor: Actor,
  tenant: { id: string; name: string },
  row: Pick<ApprovalRow, "id" | "tool" | "shown_args" | "risk" | "summary" | "requested_by">,
  change: {
    event: string;
    action: string;
    result?: "ok" | "failed" | "denied";
    data?: Record<string, unknown>;
  },
): ChangeRecord {
  const data = {
    tool: row.tool,
    args: JSON.parse(row.shown_args) as unknown,
    risk: row.risk,
    summary: row.summary,
    requestedBy: row.requested_by,
    ...change.data,
  };
  return {
    event: { type: change.event, tenantId: tenant.id, subject: row.id, data },
    audit: {
      actor: actor.id,
      source: actor.source,
      action: change.action,
      target: `approval/${tenant.name}/${row.id}`,
      tenantId: tenant.id,
      result: change.result ?? "ok",
      data,
    },
  };
}

import type { AlertEventType } from "../domain/eventTypes.js";
import type { AlertRow } from "../store/alertRepository.js";

/** What an alert looks like to people and programs (the API, the CLI, a webhook's body). */
export interface AlertView {
  id: string;
  tenant: string;
  instance: string;
  rule: string;
  subject: string;
  state: "firing" | "resolved";
  reason: string;
  data: Record<string, unknown>;
  since: string;
  firedAt: string | null;
  resolvedAt: string | null;
}

/** The body of a delivery: what happened, to which alert (none for a test), in one JSON object. */
export interface AlertMessage {
  type: Extract<AlertEventType, "alert.firing" | "alert.resolved" | "alert.test">;
  tenant: string;
  alert: AlertView | null;
  /** One line for people (what Telegram shows). */
  text: string;
}

export function toAlertView(row: AlertRow, tenant: string): AlertView {
  return {
    id: row.id,
    tenant,
    instance: row.instance_name,
    rule: row.rule,
    subject: row.subject,
    state: row.state === "resolved" ? "resolved" : "firing",
    reason: row.reason,
    data: JSON.parse(row.data) as Record<string, unknown>,
    since: row.since,
    firedAt: row.fired_at,
    resolvedAt: row.resolved_at,
  };
}

/** The message of an alert that fired or resolved. */
export function alertMessage(view: AlertView): AlertMessage {
  const subject = view.subject ? ` (${view.subject})` : "";
  const text =
    view.state === "resolved"
      ? `[RESOLVED] ${view.tenant}/${view.instance}: ${view.rule}${subject} is over`
      : `[FIRING] ${view.tenant}/${view.instance}: ${view.rule}${subject}: ${view.reason}`;
  return {
    type: view.state === "resolved" ? "alert.resolved" : "alert.firing",
    tenant: view.tenant,
    alert: view,
    text,
  };
}

/** The message `aims alerts test` sends to every channel of a tenant. */
export function testMessage(tenant: string): AlertMessage {
  return {
    type: "alert.test",
    tenant,
    alert: null,
    text: `[TEST] ${tenant}: AIMS alerts reach this channel`,
  };
}

import type { OperationContext } from "../context.js";
import {
  type AlertStep,
  type AlertThresholds,
  type Condition,
  type InstanceFacts,
  instanceConditions,
  type OpenAlert,
  stepAlerts,
} from "../domain/alerts.js";
import { parseFailure } from "../domain/instanceFailure.js";
import { newId } from "../domain/names.js";
import {
  type AlertRow,
  dropPendingAlert,
  insertAlert,
  listOpenAlerts,
  settleAlert,
} from "../store/alertRepository.js";
import { appendEvent } from "../store/eventLog.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import { withTransaction } from "../store/recordChange.js";
import { alertMessage, toAlertView } from "./alertMessage.js";
import { enqueueDeliveries } from "./enqueueDeliveries.js";

/** What the evaluator is told of each instance besides its row. */
export interface InstanceObservations {
  silentContainers: InstanceFacts["silentContainers"];
  resources?: InstanceFacts["resources"];
}

/** The facts the rules read of an instance row and what the tick observed of it. */
export function factsOf(row: InstanceRow, seen: InstanceObservations): InstanceFacts {
  const failure = parseFailure(row.last_failure);
  return {
    desired: row.desired_state,
    observed: row.observed_state,
    failures: row.failures,
    lastFailure: failure
      ? {
          at: failure.at,
          what: failure.what,
          ...(failure.oomKilled !== undefined ? { oomKilled: failure.oomKilled } : {}),
          ...(failure.exitCode !== undefined ? { exitCode: failure.exitCode } : {}),
        }
      : null,
    silentContainers: seen.silentContainers,
    ...(seen.resources ? { resources: seen.resources } : {}),
  };
}

/**
 * One evaluation of every instance's alerts: conditions from the rows (and the tick's observations), stepped
 * against the open alerts. Each alert that fires or resolves is one transaction: the alert row, its event
 * (`alert.firing` / `alert.resolved`) and one outbox delivery per channel of the tenant. Alerts of instances that
 * are gone resolve. Returns how many alerts fired and resolved.
 */
export async function evaluateAlerts(
  p: OperationContext,
  rows: InstanceRow[],
  tenants: Map<string, string>,
  observe: (row: InstanceRow) => InstanceObservations,
  now = Date.now(),
): Promise<{ fired: number; resolved: number }> {
  const thresholds: AlertThresholds = p.config.alerts;
  const open = await listOpenAlerts(p.store.db);
  const byInstance = new Map<string, AlertRow[]>();
  for (const a of open) byInstance.set(a.instance_id, [...(byInstance.get(a.instance_id) ?? []), a]);
  const counts = { fired: 0, resolved: 0 };
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.id);
    const conditions = instanceConditions(factsOf(row, observe(row)), thresholds, now);
    await apply(p, row, tenants, byInstance.get(row.id) ?? [], conditions, now, counts);
  }
  for (const [instanceId, alerts] of byInstance)
    if (!seen.has(instanceId)) await apply(p, undefined, tenants, alerts, [], now, counts);
  return counts;
}

async function apply(
  p: OperationContext,
  row: InstanceRow | undefined,
  tenants: Map<string, string>,
  alerts: AlertRow[],
  conditions: Condition[],
  now: number,
  counts: { fired: number; resolved: number },
): Promise<void> {
  const open: OpenAlert[] = alerts.map((a) => ({
    id: a.id,
    rule: a.rule,
    subject: a.subject,
    state: a.state === "firing" ? "firing" : "pending",
    since: a.since,
  }));
  for (const step of stepAlerts(open, conditions, now)) {
    const existing = "alert" in step ? alerts.find((a) => a.id === step.alert.id) : undefined;
    const outcome = await applyStep(p, row, tenants, existing, step, new Date(now).toISOString());
    if (outcome) counts[outcome]++;
  }
}

async function applyStep(
  p: OperationContext,
  row: InstanceRow | undefined,
  tenants: Map<string, string>,
  existing: AlertRow | undefined,
  step: AlertStep,
  nowIso: string,
): Promise<"fired" | "resolved" | undefined> {
  if (step.do === "drop") {
    await dropPendingAlert(p.store.db, step.alert.id);
    return undefined;
  }
  if (step.do === "open" && !step.fire) {
    if (row) await insertAlert(p.store.db, newAlert(row, step.condition, "pending", nowIso));
    return undefined;
  }
  return withTransaction(p.store.db, async (trx) => {
    let alert: AlertRow;
    if (step.do === "open") {
      if (!row) return undefined;
      alert = newAlert(row, step.condition, "firing", nowIso);
      await insertAlert(trx, alert);
    } else if (step.do === "fire" && existing) {
      alert = {
        ...existing,
        state: "firing",
        reason: step.condition.reason,
        data: JSON.stringify(step.condition.data),
        fired_at: nowIso,
      };
      if (!(await settleAlert(trx, alert.id, alert, nowIso))) return undefined;
    } else if (step.do === "resolve" && existing) {
      alert = { ...existing, state: "resolved", resolved_at: nowIso };
      if (!(await settleAlert(trx, alert.id, { state: "resolved", resolved_at: nowIso }, nowIso)))
        return undefined;
    } else return undefined;
    const view = toAlertView(alert, tenants.get(alert.tenant_id) ?? "?");
    const message = alertMessage(view);
    await appendEvent(trx, {
      type: message.type,
      tenantId: alert.tenant_id,
      subject: alert.instance_id,
      data: {
        name: alert.instance_name,
        alert: alert.id,
        rule: alert.rule,
        subject: alert.subject,
        reason: alert.reason,
      },
    });
    await enqueueDeliveries(trx, alert.tenant_id, alert.id, message, nowIso);
    return view.state === "resolved" ? "resolved" : "fired";
  });
}

function newAlert(row: InstanceRow, c: Condition, state: "pending" | "firing", nowIso: string): AlertRow {
  return {
    id: newId(),
    tenant_id: row.tenant_id,
    instance_id: row.id,
    instance_name: row.name,
    rule: c.rule,
    subject: c.subject,
    state,
    reason: c.reason,
    data: JSON.stringify(c.data),
    since: nowIso,
    fired_at: state === "firing" ? nowIso : null,
    resolved_at: null,
    updated_at: nowIso,
  };
}

import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { AlertsTable } from "./schema.js";

export type AlertRow = Selectable<AlertsTable>;

/** Every alert not resolved yet (pending or firing), across tenants: what the evaluator steps from. */
export function listOpenAlerts(ex: Executor): Promise<AlertRow[]> {
  return ex
    .selectFrom("alerts")
    .selectAll()
    .where("state", "in", ["pending", "firing"])
    .orderBy("id")
    .execute();
}

/** A tenant's alerts that fired (firing or resolved), newest first; `firing` keeps only those still firing. */
export function listTenantAlerts(
  ex: Executor,
  tenantId: string,
  options: { firing?: boolean; beforeId?: string; limit: number },
): Promise<AlertRow[]> {
  let q = ex
    .selectFrom("alerts")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("state", "in", options.firing ? ["firing"] : ["firing", "resolved"]);
  if (options.beforeId) q = q.where("id", "<", options.beforeId);
  return q.orderBy("id", "desc").limit(options.limit).execute();
}

/** Inserts an alert row. */
export async function insertAlert(ex: Executor, row: AlertRow): Promise<void> {
  await ex.insertInto("alerts").values(row).execute();
}

/** Moves an open alert to `firing` or `resolved` (or drops a pending one); false when it was no longer open. */
export async function settleAlert(
  ex: Executor,
  id: string,
  patch: Partial<Pick<AlertRow, "state" | "reason" | "data" | "fired_at" | "resolved_at">>,
  nowIso: string,
): Promise<boolean> {
  const r = await ex
    .updateTable("alerts")
    .set({ ...patch, updated_at: nowIso })
    .where("id", "=", id)
    .where("state", "in", ["pending", "firing"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes a pending alert whose condition went away before it fired (it was never shown). */
export async function dropPendingAlert(ex: Executor, id: string): Promise<void> {
  await ex.deleteFrom("alerts").where("id", "=", id).where("state", "=", "pending").execute();
}

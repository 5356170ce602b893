import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { AlertChannelsTable, AlertDeliveriesTable } from "./schema.js";

export type AlertChannelRow = Selectable<AlertChannelsTable>;
export type DeliveryRow = Selectable<AlertDeliveriesTable>;

/** A tenant's channels that are not removed, by id; `kind` keeps one kind. */
export function listChannels(
  ex: Executor,
  tenantId: string,
  options: { kind?: AlertChannelRow["kind"]; afterId?: string; limit?: number } = {},
): Promise<AlertChannelRow[]> {
  let q = ex
    .selectFrom("alert_channels")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("removed_at", "is", null);
  if (options.kind) q = q.where("kind", "=", options.kind);
  if (options.afterId) q = q.where("id", ">", options.afterId);
  return q
    .orderBy("id")
    .limit(options.limit ?? 1000)
    .execute();
}

/** One channel of a tenant (removed ones too), or undefined: another tenant's id reads as none. */
export function findChannel(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<AlertChannelRow | undefined> {
  return ex
    .selectFrom("alert_channels")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function insertChannel(ex: Executor, row: AlertChannelRow): Promise<void> {
  await ex.insertInto("alert_channels").values(row).execute();
}

/** Marks a channel removed; its pending deliveries are given up with it. */
export async function removeChannel(ex: Executor, id: string, nowIso: string): Promise<void> {
  await ex.updateTable("alert_channels").set({ removed_at: nowIso }).where("id", "=", id).execute();
  await ex
    .updateTable("alert_deliveries")
    .set({ status: "failed", last_error: "channel removed", updated_at: nowIso })
    .where("channel_id", "=", id)
    .where("status", "=", "pending")
    .execute();
}

export async function insertDelivery(ex: Executor, row: DeliveryRow): Promise<void> {
  await ex.insertInto("alert_deliveries").values(row).execute();
}

/** Deliveries due at `nowIso`, oldest first. */
export function dueDeliveries(ex: Executor, nowIso: string, limit: number): Promise<DeliveryRow[]> {
  return ex
    .selectFrom("alert_deliveries")
    .selectAll()
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", nowIso)
    .orderBy("next_attempt_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** The earliest time a pending delivery is due, if any. */
export async function nextDueAt(ex: Executor): Promise<string | undefined> {
  const row = await ex
    .selectFrom("alert_deliveries")
    .select("next_attempt_at")
    .where("status", "=", "pending")
    .orderBy("next_attempt_at")
    .limit(1)
    .executeTakeFirst();
  return row?.next_attempt_at;
}

/** Records one attempt's outcome; only a delivery still pending moves (a removed channel's stays given up). */
export async function recordAttempt(
  ex: Executor,
  id: string,
  patch: Pick<DeliveryRow, "status" | "attempts" | "next_attempt_at" | "last_status_code" | "last_error"> & {
    delivered_at?: string | null;
  },
  nowIso: string,
): Promise<void> {
  await ex
    .updateTable("alert_deliveries")
    .set({ ...patch, updated_at: nowIso })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .execute();
}

/** A tenant's deliveries, newest first; `channelId` keeps one channel's. */
export function listDeliveries(
  ex: Executor,
  tenantId: string,
  options: { channelId?: string; beforeId?: string; limit: number },
): Promise<DeliveryRow[]> {
  let q = ex.selectFrom("alert_deliveries").selectAll().where("tenant_id", "=", tenantId);
  if (options.channelId) q = q.where("channel_id", "=", options.channelId);
  if (options.beforeId) q = q.where("id", "<", options.beforeId);
  return q.orderBy("id", "desc").limit(options.limit).execute();
}

import { newId } from "../domain/names.js";
import { insertDelivery, listChannels } from "../store/alertChannelRepository.js";
import type { Executor } from "../store/database.js";
import type { AlertMessage } from "./alertMessage.js";

/**
 * Puts one delivery per channel of the tenant in the outbox, in the caller's transaction (the one that fires,
 * resolves or tests the alert): committed together or not at all, so no alert is lost and none is sent twice.
 */
export async function enqueueDeliveries(
  trx: Executor,
  tenantId: string,
  alertId: string | null,
  message: AlertMessage,
  nowIso: string,
): Promise<number> {
  const channels = await listChannels(trx, tenantId);
  for (const channel of channels)
    await insertDelivery(trx, {
      id: newId(),
      tenant_id: tenantId,
      channel_id: channel.id,
      alert_id: alertId,
      event: message.type,
      payload: JSON.stringify(message),
      status: "pending",
      attempts: 0,
      next_attempt_at: nowIso,
      last_status_code: null,
      last_error: null,
      created_at: nowIso,
      delivered_at: null,
      updated_at: nowIso,
    });
  return channels.length;
}

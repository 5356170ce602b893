import type * as z from "zod";
import type { OperationContext } from "../context.js";
import {
  type addTelegramInput,
  type addWebhookInput,
  MAX_CHANNELS_PER_TENANT,
} from "../domain/alertChannels.js";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { refusedTarget, urlRefusal } from "../domain/webhookTargets.js";
import { generateSecret, sealSecret } from "../secrets/cipher.js";
import {
  type AlertChannelRow,
  type DeliveryRow,
  findChannel,
  insertChannel,
  listChannels,
  removeChannel,
} from "../store/alertChannelRepository.js";
import { recordChange, withTransaction } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { actorOf, type Caller, requireTenant } from "../tenancy/principal.js";
import { testMessage } from "./alertMessage.js";
import { enqueueDeliveries } from "./enqueueDeliveries.js";
import { hostAddresses } from "./sendWebhook.js";

/** The AAD a channel's secret is sealed with: it opens only as this channel's. */
export const channelAad = (id: string) => `alert_channel:${id}`;

/** A channel as people see it: never its secret. */
export interface ChannelView {
  id: string;
  kind: "webhook" | "telegram";
  name: string;
  url: string | null;
  chatId: string | null;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  channelId: string;
  alertId: string | null;
  event: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export function toChannelView(row: AlertChannelRow): ChannelView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    url: row.url,
    chatId: row.chat_id,
    createdAt: row.created_at,
  };
}

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    channelId: row.channel_id,
    alertId: row.alert_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

async function createChannel(
  p: OperationContext,
  caller: Caller,
  tenant: TenantRow,
  fields: Pick<AlertChannelRow, "kind" | "name" | "url" | "chat_id">,
  secret: string,
): Promise<ChannelView> {
  const id = newId();
  const now = new Date().toISOString();
  const row: AlertChannelRow = {
    id,
    tenant_id: tenant.id,
    ...fields,
    sealed_secret: sealSecret(p.masterKey, secret, channelAad(id)),
    created_at: now,
    removed_at: null,
  };
  const actor = actorOf(caller);
  await withTransaction(p.store.db, async (trx) => {
    if ((await listChannels(trx, tenant.id)).length >= MAX_CHANNELS_PER_TENANT)
      throw new AimsError(
        "quota_exceeded",
        `tenant ${tenant.name} has ${MAX_CHANNELS_PER_TENANT} alert channels already; remove one first`,
      );
    await insertChannel(trx, row);
    await recordChannelChange(trx, actor, tenant, "created", { channel: id, kind: row.kind, name: row.name });
  });
  return toChannelView(row);
}

/**
 * Adds a webhook to a tenant: its URL is checked against the targets a tenant may not reach (docs/alerts.md),
 * its signing secret generated, sealed and returned this once.
 */
export async function addWebhook(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  input: z.output<typeof addWebhookInput>,
): Promise<{ view: ChannelView; secret: string }> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.manage");
  const refused = urlRefusal(input.url, {
    allowedHosts: p.config.alerts.allowedWebhookHosts,
    hostAddresses: hostAddresses(),
  });
  if (refused) throw new AimsError("invalid_input", refusedTarget(refused));
  const secret = `whsec_${generateSecret(40, "base64url")}`;
  const view = await createChannel(
    p,
    caller,
    tenant,
    { kind: "webhook", name: input.name ?? new URL(input.url).host, url: input.url, chat_id: null },
    secret,
  );
  return { view, secret };
}

/** Adds a Telegram chat to a tenant; the bot token is sealed and never shown again. */
export async function addTelegram(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  input: z.output<typeof addTelegramInput>,
): Promise<ChannelView> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.manage");
  return createChannel(
    p,
    caller,
    tenant,
    { kind: "telegram", name: input.name ?? `telegram ${input.chatId}`, url: null, chat_id: input.chatId },
    input.botToken,
  );
}

/** Removes a channel of a tenant (of the kind asked for); its pending deliveries are given up. */
export async function removeAlertChannel(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  kind: AlertChannelRow["kind"],
  id: string,
): Promise<ChannelView> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.manage");
  const actor = actorOf(caller);
  return withTransaction(p.store.db, async (trx) => {
    const row = await findChannel(trx, tenant.id, id);
    if (!row || row.kind !== kind || row.removed_at)
      throw new AimsError(
        "not_found",
        `no ${kind === "webhook" ? "webhook" : "Telegram channel"} ${id} in tenant ${tenant.name}`,
      );
    const now = new Date().toISOString();
    await removeChannel(trx, id, now);
    await recordChannelChange(trx, actor, tenant, "removed", { channel: id, kind, name: row.name });
    return toChannelView({ ...row, removed_at: now });
  });
}

/** A channel's creation or removal as an event and an audit entry, in the transaction that made it. */
function recordChannelChange(
  trx: Parameters<typeof recordChange>[0],
  actor: ReturnType<typeof actorOf>,
  tenant: TenantRow,
  verb: "created" | "removed",
  data: { channel: string; kind: string; name: string },
) {
  const type = `alert_channel.${verb}`;
  return recordChange(trx, {
    event: { type, tenantId: tenant.id, subject: data.channel, data },
    audit: {
      actor: actor.id,
      source: actor.source,
      action: type,
      target: `alert_channel/${tenant.name}/${data.channel}`,
      tenantId: tenant.id,
      result: "ok",
      data,
    },
  });
}

/** Puts a test message in the outbox for every channel of the tenant; answers how many channels it goes to. */
export async function sendTestAlert(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
): Promise<{ channels: number }> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.manage");
  const actor = actorOf(caller);
  return withTransaction(p.store.db, async (trx) => {
    const now = new Date().toISOString();
    const channels = await enqueueDeliveries(trx, tenant.id, null, testMessage(tenant.name), now);
    if (!channels)
      throw new AimsError(
        "invalid_input",
        `tenant ${tenant.name} has no alert channel yet: add one with aims webhooks add or aims alerts telegram add`,
      );
    await recordChange(trx, {
      event: { type: "alert.test", tenantId: tenant.id, subject: tenant.id, data: { channels } },
      audit: {
        actor: actor.id,
        source: actor.source,
        action: "alert.test",
        target: `tenant/${tenant.name}`,
        tenantId: tenant.id,
        result: "ok",
        data: { channels },
      },
    });
    return { channels };
  });
}

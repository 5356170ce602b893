import type { OperationContext } from "../context.js";
import { type AlertChannelRow, listChannels, listDeliveries } from "../store/alertChannelRepository.js";
import { listTenantAlerts } from "../store/alertRepository.js";
import { type Caller, requireTenant } from "../tenancy/principal.js";
import { type AlertView, toAlertView } from "./alertMessage.js";
import { type ChannelView, type DeliveryView, toChannelView, toDeliveryView } from "./channels.js";

/** The CLI shows the newest this many; the API pages through all of them. */
const SHOWN = 200;

/** A tenant's alerts that fired, newest first (`firing`: only those still firing). */
export async function listAlertViews(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  options: { firing?: boolean } = {},
): Promise<AlertView[]> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.read");
  const rows = await listTenantAlerts(p.store.db, tenant.id, {
    firing: Boolean(options.firing),
    limit: SHOWN,
  });
  return rows.map((r) => toAlertView(r, tenant.name));
}

/** A tenant's channels of one kind (never their secrets). */
export async function listChannelViews(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  kind: AlertChannelRow["kind"],
): Promise<ChannelView[]> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.manage", "read");
  return (await listChannels(p.store.db, tenant.id, { kind })).map(toChannelView);
}

/** The delivery log of a tenant's channels (or one channel's), newest first. */
export async function listDeliveryViews(
  p: OperationContext,
  caller: Caller,
  tenantName: string,
  options: { channelId?: string } = {},
): Promise<DeliveryView[]> {
  const { tenant } = await requireTenant(p.store.db, caller.principal, tenantName, "alert.manage", "read");
  const rows = await listDeliveries(p.store.db, tenant.id, { ...options, limit: SHOWN });
  return rows.map(toDeliveryView);
}

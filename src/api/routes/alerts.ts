import * as z from "zod";
import { toAlertView } from "../../alerts/alertMessage.js";
import {
  addTelegram,
  addWebhook,
  removeAlertChannel,
  sendTestAlert,
  toChannelView,
  toDeliveryView,
} from "../../alerts/channels.js";
import { addTelegramInput, addWebhookInput } from "../../domain/alertChannels.js";
import { listChannels, listDeliveries } from "../../store/alertChannelRepository.js";
import { listTenantAlerts } from "../../store/alertRepository.js";
import { requireTenant } from "../../tenancy/principal.js";
import { pageQuery } from "../pagination.js";
import {
  alertChannelViewSchema,
  alertDeliveryViewSchema,
  alertTestSchema,
  alertViewSchema,
  newWebhookSchema,
} from "../responses/alerts.js";
import { pageOf } from "../responses/pages.js";
import { defineRoute } from "../route.js";
import { tenantListPage } from "../tenantListPage.js";
import { idSchema, tenantParams, tenantParamsWith } from "./params.js";

const channelParams = tenantParamsWith({ channelId: idSchema });
const alertsQuery = pageQuery.extend({
  firing: z.enum(["true", "false"]).optional().describe("true: only alerts still firing"),
});
const deliveriesQuery = pageQuery.extend({
  channel: idSchema.optional().describe("one channel's deliveries"),
});
const manage = "alert.manage" as const;

/** A tenant's alerts, its channels (webhooks, Telegram chats) and their delivery log (docs/alerts.md). */
/** The list of a tenant's channels of one kind (admins: the channels say where alerts go). */
function channelListRoute(kind: "webhook" | "telegram", url: string, summary: string) {
  return defineRoute({
    method: "GET",
    url,
    summary,
    response: pageOf(alertChannelViewSchema),
    tag: "alerts",
    auth: "required",
    params: tenantParams,
    query: pageQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: manage,
        cursor: "string",
        list: (tenant, after, limit) =>
          listChannels(platform.store.db, tenant.id, { kind, ...(after ? { afterId: after } : {}), limit }),
        key: (r) => r.id,
        view: (r) => toChannelView(r),
      }),
  });
}

export const alertRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/alerts",
    summary: "The tenant's alerts that fired, newest first (firing and resolved)",
    response: pageOf(alertViewSchema),
    tag: "alerts",
    auth: "required",
    params: tenantParams,
    query: alertsQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: "alert.read",
        cursor: "string",
        list: (tenant, before, limit) =>
          listTenantAlerts(platform.store.db, tenant.id, {
            firing: query.firing === "true",
            ...(before ? { beforeId: before } : {}),
            limit,
          }),
        key: (r) => r.id,
        view: (r, tenant) => toAlertView(r, tenant.name),
      }),
  }),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/alerts/test",
    summary: "Queue a test message to every channel of the tenant (delivered by aims serve's outbox)",
    response: alertTestSchema,
    tag: "alerts",
    auth: "required",
    status: 202,
    params: tenantParams,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, manage),
    handler: ({ services: { platform }, caller, params }) => sendTestAlert(platform, caller, params.tenant),
  }),
  channelListRoute("webhook", "/v1/tenants/:tenant/webhooks", "The tenant's webhooks (never their secrets)"),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/webhooks",
    summary:
      "Add a webhook; its signing secret is in this answer only. Loopback, link-local and this host's addresses are refused",
    response: newWebhookSchema,
    tag: "alerts",
    auth: "required",
    status: 201,
    params: tenantParams,
    body: addWebhookInput,
    carriesSecret: true,
    quota: true,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, manage),
    example: { body: { url: "https://hooks.example.com/aims", name: "ops" } },
    handler: async ({ services: { platform }, caller, params, body }) => {
      const { view, secret } = await addWebhook(platform, caller, params.tenant, body);
      return { ...view, secret };
    },
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/webhooks/:channelId",
    summary: "Remove a webhook; deliveries still pending for it are given up",
    response: alertChannelViewSchema,
    tag: "alerts",
    auth: "required",
    params: channelParams,
    handler: ({ services: { platform }, caller, params }) =>
      removeAlertChannel(platform, caller, params.tenant, "webhook", params.channelId),
  }),
  channelListRoute(
    "telegram",
    "/v1/tenants/:tenant/telegram-channels",
    "The tenant's Telegram chats (never their bot tokens)",
  ),
  defineRoute({
    method: "POST",
    url: "/v1/tenants/:tenant/telegram-channels",
    summary:
      "Add a Telegram chat that alerts go to, with the bot token that sends them (stored sealed, never shown)",
    response: alertChannelViewSchema,
    tag: "alerts",
    auth: "required",
    status: 201,
    params: tenantParams,
    body: addTelegramInput,
    quota: true,
    authorize: ({ services: { platform }, caller, params }) =>
      requireTenant(platform.store.db, caller.principal, params.tenant, manage),
    example: { body: { chatId: "123456789", botToken: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ" } },
    handler: ({ services: { platform }, caller, params, body }) =>
      addTelegram(platform, caller, params.tenant, body),
  }),
  defineRoute({
    method: "DELETE",
    url: "/v1/tenants/:tenant/telegram-channels/:channelId",
    summary: "Remove a Telegram chat; deliveries still pending for it are given up",
    response: alertChannelViewSchema,
    tag: "alerts",
    auth: "required",
    params: channelParams,
    handler: ({ services: { platform }, caller, params }) =>
      removeAlertChannel(platform, caller, params.tenant, "telegram", params.channelId),
  }),
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/alert-deliveries",
    summary:
      "The delivery log of the tenant's channels, newest first: status, attempts, the last answer or error",
    response: pageOf(alertDeliveryViewSchema),
    tag: "alerts",
    auth: "required",
    params: tenantParams,
    query: deliveriesQuery,
    handler: ({ services: { platform }, caller, params, query }) =>
      tenantListPage(platform, caller, params.tenant, query, {
        permission: manage,
        cursor: "string",
        list: (tenant, before, limit) =>
          listDeliveries(platform.store.db, tenant.id, {
            ...(query.channel ? { channelId: query.channel } : {}),
            ...(before ? { beforeId: before } : {}),
            limit,
          }),
        key: (r) => r.id,
        view: (r) => toDeliveryView(r),
      }),
  }),
];

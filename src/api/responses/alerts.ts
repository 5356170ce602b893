import * as z from "zod";
import type { AlertView } from "../../alerts/alertMessage.js";
import type { ChannelView, DeliveryView } from "../../alerts/channels.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const time = z.string().describe("ISO-8601 time");

export const alertViewSchema = named(
  "Alert",
  viewSchema<AlertView>()(
    z.object({
      id: z.string(),
      tenant: z.string(),
      instance: z.string(),
      rule: z
        .string()
        .describe(
          "unhealthy, oom_killed, restart_loop, gave_up, cpu_high, memory_high, volume_full or zombie",
        ),
      subject: z.string().describe("the container or volume it is about; empty for the whole instance"),
      state: z.enum(["firing", "resolved"]),
      reason: z.string().describe("what happened and what to do, in one sentence"),
      data: z.record(z.string(), z.unknown()),
      since: time,
      firedAt: time.nullable(),
      resolvedAt: time.nullable(),
    }),
  ),
);

export const alertChannelViewSchema = named(
  "AlertChannel",
  viewSchema<ChannelView>()(
    z.object({
      id: z.string(),
      kind: z.enum(["webhook", "telegram"]),
      name: z.string(),
      url: z.string().nullable().describe("a webhook's URL"),
      chatId: z.string().nullable().describe("a Telegram channel's chat"),
      createdAt: time,
    }),
  ),
);

export const newWebhookSchema = named(
  "NewWebhook",
  alertChannelViewSchema.extend({
    secret: z
      .string()
      .describe("the signing secret (HMAC-SHA256 over timestamp.body, docs/alerts.md): shown this once"),
  }),
);

export const alertDeliveryViewSchema = named(
  "AlertDelivery",
  viewSchema<DeliveryView>()(
    z.object({
      id: z.string(),
      channelId: z.string(),
      alertId: z.string().nullable().describe("null for a test message"),
      event: z.string().describe("alert.firing, alert.resolved or alert.test"),
      status: z.enum(["pending", "delivered", "failed"]),
      attempts: z.number().int(),
      nextAttemptAt: time.nullable().describe("when a pending delivery is tried next"),
      lastStatusCode: z.number().int().nullable(),
      lastError: z.string().nullable(),
      createdAt: time,
      deliveredAt: time.nullable(),
    }),
  ),
);

export const alertTestSchema = named(
  "AlertTest",
  z.object({ channels: z.number().int().describe("channels the test message was queued for") }),
);

import * as z from "zod";
import { webhookUrlSchema } from "./webhookTargets.js";

/** A channel's label for people: letters, digits, spaces and ._- (at most 64). */
export const channelNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9 ._-]+$/, "must be 1-64 letters, digits, spaces, dots, underscores or hyphens");

/** What `aims webhooks add` and `POST /v1/tenants/{t}/webhooks` take. */
export const addWebhookInput = z.strictObject({
  url: webhookUrlSchema,
  name: channelNameSchema.optional(),
});

/** A Telegram chat: its numeric id (negative for groups) or a public channel's @name. */
export const telegramChatIdSchema = z
  .string()
  .regex(
    /^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/,
    "must be a numeric chat id like 123456789 (or -100… for a group) or @channelname",
  );

/** A Bot API token as BotFather hands it out: `<bot id>:<secret>`. */
export const telegramTokenSchema = z
  .string()
  .regex(
    /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/,
    "must be a bot token like 123456:ABC-DEF… as BotFather gives it",
  );

/** What `aims alerts telegram add` and `POST /v1/tenants/{t}/telegram-channels` take. */
export const addTelegramInput = z.strictObject({
  chatId: telegramChatIdSchema,
  botToken: telegramTokenSchema,
  name: channelNameSchema.optional(),
});

/** The most channels one tenant may have. */
export const MAX_CHANNELS_PER_TENANT = 20;

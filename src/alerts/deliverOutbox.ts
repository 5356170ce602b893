import { setTimeout as sleep } from "node:timers/promises";
import type { OperationContext } from "../context.js";
import { waitAfter } from "../domain/backoff.js";
import { openSecret } from "../secrets/cipher.js";
import {
  type AlertChannelRow,
  type DeliveryRow,
  dueDeliveries,
  findChannel,
  recordAttempt,
} from "../store/alertChannelRepository.js";
import { withLease } from "../store/leases.js";
import type { AlertMessage } from "./alertMessage.js";
import { channelAad } from "./channels.js";
import { sendTelegram } from "./sendTelegram.js";
import { type AttemptResult, sendWebhook } from "./sendWebhook.js";

const BATCH = 50;

/** One attempt at one delivery, by its channel's kind. */
async function attempt(
  p: OperationContext,
  channel: AlertChannelRow,
  delivery: DeliveryRow,
): Promise<AttemptResult> {
  const { delivery: options, allowedWebhookHosts, telegramApiUrl } = p.config.alerts;
  const secret = openSecret(p.masterKey, channel.sealed_secret, channelAad(channel.id));
  if (channel.kind === "telegram") {
    const message = JSON.parse(delivery.payload) as AlertMessage;
    return sendTelegram(
      telegramApiUrl,
      { token: secret, chatId: channel.chat_id ?? "" },
      message.text,
      options.timeoutMs,
    );
  }
  return sendWebhook(
    { url: channel.url ?? "", secret },
    { id: delivery.id, event: delivery.event, body: delivery.payload },
    { allowedHosts: allowedWebhookHosts, timeoutMs: options.timeoutMs },
  );
}

/**
 * Sends every delivery that is due, oldest first, and records each attempt: delivered, or due again after a
 * back-off that doubles from `alerts.delivery.firstRetryMs` up to `maxRetryMs` (domain/backoff.ts), until
 * `maxAttempts` gives it up. Under the `alert-outbox` lease, so two `aims serve` never send the same delivery.
 */
export async function deliverDue(p: OperationContext, now = Date.now()): Promise<number> {
  const done = await withLease(p.store.db, "alert-outbox", async () => {
    const policy = p.config.alerts.delivery;
    const due = await dueDeliveries(p.store.db, new Date(now).toISOString(), BATCH);
    for (const delivery of due) {
      const channel = await findChannel(p.store.db, delivery.tenant_id, delivery.channel_id);
      const result: AttemptResult =
        channel && !channel.removed_at
          ? await attempt(p, channel, delivery).catch((err: Error) => ({
              ok: false,
              status: null,
              error: err.message,
            }))
          : { ok: false, status: null, error: "channel removed" };
      const attempts = delivery.attempts + 1;
      const givenUp =
        !result.ok && (attempts >= policy.maxAttempts || !channel || Boolean(channel.removed_at));
      const wait = waitAfter(attempts - 1, {
        freeFailures: 0,
        firstWaitMs: policy.firstRetryMs,
        maxWaitMs: policy.maxRetryMs,
        forgetAfterMs: Number.MAX_SAFE_INTEGER,
      });
      const at = new Date().toISOString();
      await recordAttempt(
        p.store.db,
        delivery.id,
        {
          status: result.ok ? "delivered" : givenUp ? "failed" : "pending",
          attempts,
          next_attempt_at:
            result.ok || givenUp ? delivery.next_attempt_at : new Date(Date.now() + wait).toISOString(),
          last_status_code: result.status,
          last_error: result.error,
          ...(result.ok ? { delivered_at: at } : {}),
        },
        at,
      );
      if (!result.ok)
        p.logger.info(
          { tenant: delivery.tenant_id, delivery: delivery.id, attempts, error: result.error },
          givenUp ? "alert delivery given up" : "alert delivery failed; retrying",
        );
    }
    return due.length;
  });
  return done.ran ? done.value : 0;
}

export interface OutboxHandle {
  /** Looks for due deliveries now (after an alert fired). */
  wake(): void;
  stop(): Promise<void>;
}

/** The outbox loop of `aims serve`: every `alerts.delivery.pollMs`, and at once when woken; what was pending at a restart is sent after it. */
export function startOutbox(p: OperationContext): OutboxHandle {
  const stopping = new AbortController();
  let wakeUp: (() => void) | undefined;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await deliverDue(p);
      } catch (err) {
        p.logger.warn({ err: (err as Error).message }, "alert outbox pass failed; retrying");
      }
      await Promise.race([
        sleep(p.config.alerts.delivery.pollMs, undefined, { signal: stopping.signal }).catch(() => undefined),
        new Promise<void>((resolve) => {
          wakeUp = resolve;
        }),
      ]);
    }
  })();
  return {
    wake: () => wakeUp?.(),
    async stop() {
      stopping.abort();
      wakeUp?.();
      await loop;
    },
  };
}

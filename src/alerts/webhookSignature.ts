import { createHmac, timingSafeEqual } from "node:crypto";

/** The headers a webhook delivery carries (docs/alerts.md#verifying-a-webhook). */
export const WEBHOOK_HEADERS = {
  timestamp: "x-aims-timestamp",
  signature: "x-aims-signature",
  event: "x-aims-event",
  delivery: "x-aims-delivery",
} as const;

/**
 * The signature of a delivery: `sha256=` and the hex HMAC-SHA256, keyed with the webhook's secret, of the
 * timestamp (Unix seconds), a dot, and the exact body. Signing the timestamp lets a receiver refuse replays.
 * @example signWebhook("whsec_…", 1764590000, '{"type":"alert.firing"}')
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does: true when `signature` is the one of this timestamp and body (compared in constant time). */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

import { lookup } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { networkInterfaces } from "node:os";
import { addressRefusal, refusedTarget, urlRefusal } from "../domain/webhookTargets.js";
import { signWebhook, WEBHOOK_HEADERS } from "./webhookSignature.js";

/** One attempt's outcome: the status the receiver answered, or why there was none. */
export type AttemptResult = { ok: boolean; status: number | null; error: string | null };

/** This host's own addresses: a webhook must not reach the control plane through them. */
export function hostAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

/**
 * Resolves like the default lookup, but refuses an address a tenant's webhook may not reach: the check is made
 * on the address the connection actually uses, so a name that resolves somewhere else later is still refused.
 */
function guardedLookup(
  allowedHosts: readonly string[],
  own: ReadonlySet<string>,
  host: string,
): LookupFunction {
  const allowed = allowedHosts.map((h) => h.toLowerCase()).includes(host.toLowerCase());
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as unknown as Array<{ address: string; family: number }>;
      const refused = allowed ? undefined : list.map((a) => addressRefusal(a.address, own)).find(Boolean);
      if (refused) return callback(new Error(refusedTarget(`${hostname} resolves to ${refused}`)), "", 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: unknown) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * POSTs a signed webhook delivery: a 2xx answer is delivered; redirects are not followed (one could lead to a
 * refused address); anything else is an error to retry.
 */
export function sendWebhook(
  target: { url: string; secret: string },
  delivery: { id: string; event: string; body: string },
  options: { allowedHosts: readonly string[]; timeoutMs: number; now?: number },
): Promise<AttemptResult> {
  const own = hostAddresses();
  const url = new URL(target.url);
  const refused = urlRefusal(target.url, { allowedHosts: options.allowedHosts, hostAddresses: own });
  if (refused) return Promise.resolve({ ok: false, status: null, error: refusedTarget(refused) });
  const timestamp = Math.floor((options.now ?? Date.now()) / 1000);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        lookup: guardedLookup(options.allowedHosts, own, url.hostname),
        timeout: options.timeoutMs,
        headers: {
          "content-type": "application/json",
          "user-agent": "aims-alerts",
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(target.secret, timestamp, delivery.body),
          [WEBHOOK_HEADERS.event]: delivery.event,
          [WEBHOOK_HEADERS.delivery]: delivery.id,
        },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        resolve({ ok, status, error: ok ? null : `receiver answered HTTP ${status}` });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on("error", (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, status: null, error: err.code ? `${err.code}: ${err.message}` : err.message }),
    );
    req.end(delivery.body);
  });
}

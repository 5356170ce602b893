import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhookSignature.js";

describe("webhook signatures", () => {
  it("is HMAC-SHA256 of timestamp.body, as docs/alerts.md tells a receiver to compute it", () => {
    const body = '{"type":"alert.firing"}';
    const expected = createHmac("sha256", "whsec_test").update(`1764590000.${body}`).digest("hex");
    expect(signWebhook("whsec_test", 1764590000, body)).toBe(`sha256=${expected}`);
  });

  it("fails for another body, timestamp or secret", () => {
    const sig = signWebhook("s", 100, "{}");
    expect(verifyWebhook("s", 100, "{}", sig)).toBe(true);
    expect(verifyWebhook("s", 101, "{}", sig)).toBe(false);
    expect(verifyWebhook("s", 100, "{ }", sig)).toBe(false);
    expect(verifyWebhook("t", 100, "{}", sig)).toBe(false);
    expect(verifyWebhook("s", 100, "{}", "sha256=00")).toBe(false);
  });
});

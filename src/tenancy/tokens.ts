import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** API keys start with this, so scanners and people recognise one. */
export const API_KEY_PREFIX = "aims_";
/** Invitation tokens, so one is never mistaken for a key. */
export const INVITATION_PREFIX = "aimsinv_";

/** A new secret: `prefix` + 32 random bytes in base64url. */
export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** SHA-256 hex of a secret: what the store keeps instead of the secret (the secrets are random, so no salt is needed). */
export function digestOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The part of a key shown to tell keys apart (`aims_` + 6 characters): not enough to guess the rest. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX.length + 6);
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

import { createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "../domain/canonicalJson.js";
import { openSecret, sealSecret } from "../secrets/cipher.js";

/**
 * What an approval is bound to: HMAC-SHA256, keyed with the master key, of the tenant, the tool and the exact
 * canonical arguments. Keyed, so the hash of a secret input cannot be guessed back from an approval's view.
 */
export function approvalHash(
  masterKey: Buffer,
  tenantId: string,
  tool: string,
  canonicalArgs: string,
): string {
  return createHmac("sha256", masterKey).update(`${tenantId}\n${tool}\n${canonicalArgs}`).digest("hex");
}

/** True when two hashes are the same (compared in constant time). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The arguments as stored: canonical JSON sealed for this approval (they may hold a secret input). */
export function sealArgs(
  masterKey: Buffer,
  approvalId: string,
  args: unknown,
): { sealed: string; canonical: string } {
  const canonical = canonicalJson(args);
  return { sealed: sealSecret(masterKey, canonical, `approval:${approvalId}`), canonical };
}

/** The canonical arguments of an approval; tampering (or another approval's ciphertext) is AimsError("failed"). */
export function openArgs(masterKey: Buffer, approvalId: string, sealed: string): string {
  return openSecret(masterKey, sealed, `approval:${approvalId}`);
}

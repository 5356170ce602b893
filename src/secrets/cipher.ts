import { createCipheriv, createDecipheriv, randomBytes, randomInt } from "node:crypto";
import { AimsError } from "../domain/errors.js";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

const ALPHABETS = {
  hex: "0123456789abcdef",
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
} as const;

export type SecretAlphabet = keyof typeof ALPHABETS;

/**
 * Encrypts with AES-256-GCM and a random 96-bit IV into `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 * Pass `aad` (e.g. instance id + key name) to bind the value to where it is stored: opening elsewhere fails.
 */
export function sealSecret(key: Buffer, plaintext: string, aad?: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    iv.toString("base64url"),
    tag.toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/** Decrypts a sealed value; a wrong key, wrong `aad` or any tampering is AimsError("failed"). */
export function openSecret(key: Buffer, sealed: string, aad?: string): string {
  assertKey(key);
  const parts = sealed.split(".");
  const [version, ivText, tagText, ciphertextText] = parts;
  if (parts.length !== 4 || version !== VERSION || !ivText || !tagText || ciphertextText === undefined) {
    throw cannotDecrypt();
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw cannotDecrypt();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(ciphertextText, "base64url")),
      decipher.final(),
    ]);
    return plaintext.toString("utf8");
  } catch {
    throw cannotDecrypt();
  }
}

/**
 * A random secret of `length` characters from the alphabet; each character is uniform (randomInt rejects
 * out-of-range draws, so there is no modulo bias).
 * @example generateSecret(32, "alnum")
 */
export function generateSecret(length: number, alphabet: SecretAlphabet): string {
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw new AimsError(
      "invalid_input",
      `secret length must be a whole number from 1 to 4096, got ${length}`,
    );
  }
  const chars = ALPHABETS[alphabet];
  if (chars === undefined)
    throw new AimsError("invalid_input", `unknown secret alphabet "${String(alphabet)}"`);
  let out = "";
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES)
    throw new AimsError("failed", `master key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

function cannotDecrypt(): AimsError {
  return new AimsError("failed", "cannot decrypt secret: wrong master key or corrupted value");
}

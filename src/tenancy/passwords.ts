import argon2 from "argon2";
import * as z from "zod";

/** Password rules: long enough to resist guessing, bounded so hashing cannot be used to burn CPU. */
export const passwordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(256, "must be at most 256 characters");

export const emailSchema = z
  .email("must be an email address")
  .max(254)
  .transform((e) => e.toLowerCase());

export interface PasswordHashing {
  memoryKiB: number;
  iterations: number;
}

/** Hashes a password with argon2id (salted, PHC string). */
export function hashPassword(password: string, cost: PasswordHashing): Promise<string> {
  return argon2.hash(password, {
    type: argon2.argon2id,
    memoryCost: cost.memoryKiB,
    timeCost: cost.iterations,
    parallelism: 1,
  });
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash; with no hash (unknown email) it verifies against a dummy, so
 * the answer takes as long and does not reveal which emails exist.
 */
export async function verifyPassword(
  hash: string | undefined,
  password: string,
  cost: PasswordHashing,
): Promise<boolean> {
  if (hash === undefined) {
    dummyHash ??= hashPassword("not-a-password-anyone-has", cost);
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}

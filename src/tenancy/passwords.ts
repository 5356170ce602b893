import * as z from "zod";

/** argon2, loaded on the first hash or check: a server nobody signs in to never loads it. */
const argon2 = async () => (await import("argon2")).default;

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
export async function hashPassword(password: string, cost: PasswordHashing): Promise<string> {
  const { hash, argon2id } = await argon2();
  return hash(password, {
    type: argon2id,
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
    await (await argon2()).verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return (await argon2()).verify(hash, password).catch(() => false);
}

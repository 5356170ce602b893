import { ulid } from "ulid";
import * as z from "zod";

/** A DNS label, at most 32 characters: the one rule for tenant and instance names everywhere. */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export const nameSchema = z
  .string()
  .regex(
    NAME_PATTERN,
    "must be a DNS label: 1-32 lowercase letters, digits or hyphens, starting and ending with a letter or digit",
  );

/**
 * The name of a tenant or instance being created: a DNS label that does not start with `xn--`. Such a label is
 * punycode, which browsers show as other letters (`xn--pple-43d` renders as a lookalike of `apple`). Existing names
 * are still found by `nameSchema`, so one made before this rule can be managed and removed.
 */
export const newNameSchema = nameSchema.refine((value) => !value.startsWith("xn--"), {
  message: "must not start with xn-- (a punycode label, which browsers show as lookalike letters)",
});

/** A kept volume as a person names it: its id (`aims volumes list`), or the name of the instance it was kept from. */
export const keptVolumeReferenceSchema = z
  .string()
  .min(1, { error: "must be a kept volume's id or the instance name it was kept from (1-100 characters)" })
  .max(100, { error: "must be a kept volume's id or the instance name it was kept from (1-100 characters)" });

/** True when `value` is a valid tenant or instance name. */
export function isValidName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

/** A new sortable unique id (ULID). */
export function newId(): string {
  return ulid();
}

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

/** True when `value` is a valid tenant or instance name. */
export function isValidName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

/** A new sortable unique id (ULID). */
export function newId(): string {
  return ulid();
}

import * as z from "zod";

/** Digits with an optional sign and fraction: how a flag or a query parameter spells a number. */
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * A whole number from `min` to `max`. Every problem (not a number, a fraction, out of range) reads as this one
 * rule, so whoever gets it learns the whole range, not just the bound they crossed.
 * @example wholeNumberSchema(1, 20) // refuses 0 as "must be a whole number from 1 to 20"
 */
export function wholeNumberSchema(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/**
 * A number from `min` to `max`, fractions allowed; `what` names the quantity.
 * @example numberInRangeSchema(0.01, 64, "a number of CPU cores") // "must be a number of CPU cores from 0.01 to 64"
 */
export function numberInRangeSchema(min: number, max: number, what = "a number") {
  const error = `must be ${what} from ${min} to ${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/**
 * `schema` for a number typed as text (a CLI flag, a query parameter). Only digits with a sign and a fraction
 * become a number: `abc`, ``, `1k`, `0x10` and `1e3` reach `schema` as text and are refused in its words. A
 * number passes as it is.
 */
export function numberFromText<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && NUMBER_TEXT.test(value.trim()) ? Number(value) : value),
    schema,
  );
}

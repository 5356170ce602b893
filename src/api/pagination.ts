import * as z from "zod";
import { AimsError } from "../domain/errors.js";
import { numberFromText, wholeNumberSchema } from "../domain/numbers.js";

/** `?limit=&cursor=` on every list; the cursor is opaque to clients. Other parameters are refused, like unknown body fields. */
export const pageQuery = z.strictObject({
  limit: numberFromText(wholeNumberSchema(1, 200)).default(50),
  cursor: z.string().max(500).optional(),
});

/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Encodes the sort key of the last item of a page. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify([key])).toString("base64url");
}

/** Decodes a cursor made by encodeCursor; anything else is AimsError("invalid_input"). */
export function decodeCursor<T extends "string" | "number">(
  cursor: string | undefined,
  type: T,
): (T extends "string" ? string : number) | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = (JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[])[0];
    if (typeof value === type) return value as T extends "string" ? string : number;
  } catch {
    // fall through
  }
  throw new AimsError("invalid_input", "cursor is not one this API handed out; start again without it");
}

/**
 * Makes a page from `limit + 1` fetched rows: the extra row only says there is more.
 * @example toPage(await query.limit(limit + 1).execute(), limit, (r) => r.id, toView)
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => string | number,
  view: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { items: kept.map(view), nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

import * as z from "zod";
import { named, responseSchemas } from "./named.js";

const pages = new WeakMap<z.ZodType, z.ZodType>();

/** The answer of a list route: one page of items and the cursor of the next (null on the last), named `<Item>Page`. */
export function pageOf<T extends z.ZodType>(item: T) {
  const known = pages.get(item);
  if (known) return known as ReturnType<typeof page<T>>;
  const schema = named(`${responseSchemas.get(item)?.id ?? "Item"}Page`, page(item));
  pages.set(item, schema);
  return schema;
}

function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("pass as ?cursor= for the next page; null on the last"),
  });
}

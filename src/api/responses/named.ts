import * as z from "zod";

/** Response schemas with a name: the OpenAPI document lists each once, under `#/components/schemas/<name>`. */
export const responseSchemas = z.registry<{ id: string }>();

const taken = new Set<string>();

/** Gives a response schema its name in the OpenAPI document (and so a named type in generated clients). */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  // Two schemas under one name would leave the document (and the dashboard's types) with only the last one.
  if (taken.has(id)) throw new Error(`two response schemas are named ${id}: give one another name`);
  taken.add(id);
  responseSchemas.add(schema, { id });
  return schema;
}

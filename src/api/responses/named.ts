import * as z from "zod";

/** Response schemas with a name: the OpenAPI document lists each once, under `#/components/schemas/<name>`. */
export const responseSchemas = z.registry<{ id: string }>();

/** Gives a response schema its name in the OpenAPI document (and so a named type in generated clients). */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  responseSchemas.add(schema, { id });
  return schema;
}

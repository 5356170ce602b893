import type * as z from "zod";

/** An object type with an intersection at its top flattened into one object (`A & B` → `{...A, ...B}`). */
type Flat<T> = T extends object ? { [K in keyof T]: T[K] } : T;

/** True only when A and B are the same type (not merely assignable one way). */
type Exact<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/**
 * Declares the zod schema of a view the API answers with, checked against the view's TypeScript type at
 * compile time: a view that gains, loses or changes a field fails `npm run typecheck` here until its schema
 * (and with it the OpenAPI document and the dashboard's generated client) says the same.
 * @example export const userViewSchema = viewSchema<UserView>()(z.object({ id: z.string(), ... }));
 */
export function viewSchema<T>() {
  return <S extends z.ZodType>(
    schema: S,
    ..._exact: Exact<Flat<z.output<S>>, Flat<T>> extends true
      ? []
      : ["the schema does not describe the view type exactly"]
  ): S => schema;
}

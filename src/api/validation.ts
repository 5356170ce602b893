import type * as z from "zod";
import { AimsError } from "../domain/errors.js";

/** Parses one part of a request with its zod schema; failures are AimsError("invalid_input") naming each field. */
export function parseRequestPart(
  schema: z.ZodType | undefined,
  value: unknown,
  part: "path" | "query" | "body",
): unknown {
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${[part, ...i.path.map(String)].join(".")}: ${i.message}`)
    .join("; ");
  throw new AimsError("invalid_input", detail);
}

import type * as z from "zod";
import { AimsError } from "../domain/errors.js";
import { fieldPath, formatIssues } from "../domain/zodIssues.js";

/** Parses one part of a request with its zod schema; failures are AimsError("invalid_input") naming each field. */
export function parseRequestPart(
  schema: z.ZodType | undefined,
  value: unknown,
  part: "path" | "query" | "body",
): unknown {
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AimsError(
    "invalid_input",
    formatIssues(parsed.error, { fieldName: (path) => fieldPath(path, part) }),
  );
}

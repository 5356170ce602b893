import type * as z from "zod";
import { AimsError } from "../domain/errors.js";
import { formatIssues } from "../domain/zodIssues.js";

/** Parses operation input with zod into an AimsError("invalid_input") naming each bad field. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AimsError("invalid_input", formatIssues(parsed.error));
  return parsed.data;
}

import { AimsError } from "../../domain/errors.js";
import type { Interpret } from "../intent/types.js";

/** The built-in intent engine (src/ai/intent/), loaded on first use. */
export async function builtInEngine(): Promise<Interpret> {
  throw new AimsError("unavailable", "the intent engine is not built in yet");
}

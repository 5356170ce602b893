import type { Interpret } from "../intent/types.js";

/** The built-in intent engine (src/ai/intent/: offline, deterministic), loaded on first use. */
export async function builtInEngine(): Promise<Interpret> {
  return (await import("../intent/interpret.js")).interpret;
}

import { numberFromText, wholeNumberSchema } from "./numbers.js";

// What a request about one instance may ask for, one schema each: the CLI's flags (src/cli/flags.ts), the API's
// queries and bodies and the operations parse with the same one, so a value reads the same wherever it is refused.

/** The most replicas one service may run. */
export const MAX_REPLICAS = 20;

/** A stateless service's replica count: `aims scale --replicas`, the scale action's `replicas`. */
export const replicasSchema = wholeNumberSchema(1, MAX_REPLICAS);

/** The most log lines per container a read may start from. */
export const LOG_TAIL_MAX = 10_000;

/** Log lines per container a read starts from when none is asked for. */
export const LOG_TAIL_DEFAULT = 200;

/**
 * Log lines per container to start from, typed as text: `aims logs --tail`, `?tail=`. 0 starts at the end: with
 * follow, only new lines.
 */
export const logTailSchema = numberFromText(wholeNumberSchema(0, LOG_TAIL_MAX));

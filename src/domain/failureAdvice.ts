import type { InstanceFailure } from "./instanceFailure.js";
import { formatMemory } from "./resourceLimits.js";

/** What an instance's state and last failure mean, and what a person can do next. */
export interface FailureExplanation {
  /** One sentence: what failed. */
  what: string;
  /** The evidence: exit code, OOM kill, last log lines. */
  evidence: string[];
  /** What to do, most likely first. */
  next: string[];
}

/**
 * Explains an instance's last failure in words (ACHEEVY's `instance.explain`): pure, from what the reconciler
 * recorded (src/domain/instanceFailure.ts) and the memory the failed service had.
 * @example explainFailure("web", "failed", failure, 64 * 1024 ** 2).next[0] // "give it more memory: …"
 */
export function explainFailure(
  name: string,
  state: string,
  failure: InstanceFailure | null,
  memory: number | undefined,
): FailureExplanation {
  if (!failure) {
    const fine = state === "ready" || state === "stopped" || state === "suspended";
    return {
      what: fine
        ? `${name} has no recorded failure; it is ${state}.`
        : `${name} is ${state} and has no recorded failure yet.`,
      evidence: [],
      next: fine ? [] : [`wait a moment and ask for the status of ${name} again, or look at its logs`],
    };
  }
  const evidence: string[] = [];
  if (failure.exitCode !== undefined) evidence.push(`exit code ${failure.exitCode}`);
  if (failure.oomKilled) evidence.push("killed by the kernel: out of memory");
  if (failure.logLines?.length) evidence.push(`last log lines: ${failure.logLines.join(" | ")}`);
  const next: string[] = [];
  if (failure.oomKilled || failure.exitCode === 137) {
    const more = memory ? formatMemory(nextSize(memory * 2)) : "512m";
    next.push(`give it more memory: "give ${name} ${more}" (an update, rolled back if it fails)`);
  } else if (/image/i.test(failure.what)) {
    next.push("the image could not be prepared: check that the image exists (or is built) and try again");
  } else if (/health/i.test(failure.reason)) {
    next.push(`it did not pass its health check in time: look at "logs of ${name}", then restart it`);
  } else if (failure.exitCode !== undefined) {
    next.push(
      `the program stopped with an error: read the log lines, fix its inputs with an update, then restart ${name}`,
    );
  }
  next.push(`restart ${name} once the cause is fixed`);
  return {
    what: `${failure.what} failed (revision ${failure.revision}, ${failure.at.slice(0, 19).replace("T", " ")}): ${failure.reason}`,
    evidence,
    next,
  };
}

/** Rounds a size up to a whole number of mebibytes (what a person types). */
function nextSize(bytes: number): number {
  const mib = 1024 ** 2;
  return Math.ceil(bytes / mib) * mib;
}

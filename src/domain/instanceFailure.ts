/**
 * The last failure of an instance, kept on it until a change succeeds: what failed, why, and the
 * evidence a person needs to act (exit code, OOM kill, the container's last log lines).
 */
export interface InstanceFailure {
  /** When it was seen (ISO-8601). */
  at: string;
  /** The revision that was running or being started. */
  revision: number;
  /** What failed, in the product's words: `container web-1`, `start of web-1`, `image preparation`. */
  what: string;
  /** The whole sentence, as in the instance's reason. */
  reason: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** The container's last log lines (at most 5). */
  logLines?: string[];
}

/** Evidence from a container that exited: exit code, OOM kill and last log lines. */
export interface ExitEvidence {
  exitCode: number;
  oomKilled: boolean;
  logLines: string[];
}

/** The sentence for a container that exited, from its evidence. */
export function exitSentence(e: ExitEvidence): string {
  const oom = e.oomKilled ? " (killed: out of memory — raise the memory limit)" : "";
  const tail = e.logLines.join(" | ").slice(0, 600);
  return `container exited with code ${e.exitCode}${oom}${tail ? `; last log lines: ${tail}` : ""}`;
}

/** Parses a stored failure; a malformed one reads as none (it is a report, never a reason to fail). */
export function parseFailure(text: string | null): InstanceFailure | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as InstanceFailure;
    return typeof value === "object" && value && typeof value.reason === "string" ? value : null;
  } catch {
    return null;
  }
}

import type { AimsConfig } from "../config.js";

/** Step boundaries the crash-safety tests can kill the process at. */
export type CrashPoint =
  | "after-port-allocation"
  | "after-container-create"
  | "during-health-wait"
  | "mid-removal"
  | "mid-update"
  | "mid-scale";

/** Test hook: SIGKILLs this process at `point` when the configuration asks for it (never set in production). */
export function crashPoint(config: AimsConfig, point: CrashPoint): void {
  if (config.testHooks.crashAt === point) process.kill(process.pid, "SIGKILL");
}

import { AimsError } from "./errors.js";

/** Lifecycle actions a person can ask of an existing instance (besides update, scale and remove). */
export type InstanceAction = "stop" | "start" | "restart" | "suspend" | "resume";

export type Desired = "running" | "stopped" | "suspended" | "removed";

/** What an action asks the reconciler for: the new desired state, and whether to start over (fresh restarts). */
export interface ActionPlan {
  desired: Desired;
  /** Restart the containers even if they run (restart), and forget earlier crash counts. */
  restart: boolean;
}

/**
 * The rules of the lifecycle, pure: which action is allowed from which desired state. A refused action
 * says what to do instead.
 * @example planAction("resume", "suspended") // { desired: "running", restart: false }
 */
export function planAction(action: InstanceAction, current: Desired, observed: string): ActionPlan {
  if (current === "removed") throw new AimsError("conflict", "the instance is being removed");
  switch (action) {
    case "stop":
      if (current === "suspended")
        throw new AimsError(
          "conflict",
          "the instance is suspended; resume it (operator) before stopping or starting it",
        );
      return { desired: "stopped", restart: false };
    case "start":
      if (current === "suspended")
        throw new AimsError("conflict", "the instance is suspended; it can only be resumed");
      return { desired: "running", restart: observed === "failed" };
    case "restart":
      if (current !== "running")
        throw new AimsError("conflict", `the instance is ${current}; start it instead of restarting`);
      return { desired: "running", restart: true };
    case "suspend":
      return { desired: "suspended", restart: false };
    case "resume":
      if (current !== "suspended")
        throw new AimsError("conflict", `the instance is not suspended (it is ${current})`);
      return { desired: "running", restart: false };
  }
}

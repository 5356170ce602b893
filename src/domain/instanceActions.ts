import { AimsError } from "./errors.js";

/** Lifecycle actions a person can ask of an existing instance (besides update, scale and remove). */
export type InstanceAction = "stop" | "start" | "restart" | "suspend" | "resume";

export type Desired = "running" | "stopped" | "suspended" | "removed";

/** What an action asks the reconciler for: the new desired state, and whether to start over (fresh restarts). */
export interface ActionPlan {
  desired: Desired;
  /** Restart the containers even if they run (restart), and forget earlier crash counts. */
  restart: boolean;
  /**
   * The instance is already where the action would take it (`stop` of a stopped one): nothing is recorded,
   * and the answer says "already".
   */
  unchanged: boolean;
}

/** The instance an action is asked of, for the commands a refusal names. */
export interface ActionTarget {
  tenant: string;
  name: string;
}

const change = (desired: Desired, restart = false): ActionPlan => ({ desired, restart, unchanged: false });
const already = (desired: Desired): ActionPlan => ({ desired, restart: false, unchanged: true });

/**
 * The rules of the lifecycle, pure: which action is allowed from which desired state. Asking for the state
 * the instance is in changes nothing (`unchanged`); a refused action names the command that works instead,
 * so no answer sends a person in a circle.
 * @example planAction("resume", "suspended", "suspended", { tenant: "acme", name: "web" }) // { desired: "running", restart: false, unchanged: false }
 */
export function planAction(
  action: InstanceAction,
  current: Desired,
  observed: string,
  target: ActionTarget,
): ActionPlan {
  const command = (verb: string) => `\`aims ${verb} ${target.name} --tenant ${target.tenant}\``;
  if (current === "removed")
    throw new AimsError(
      "conflict",
      `the instance is being removed; once \`aims ps --tenant ${target.tenant}\` no longer lists it, \`aims deploy\` makes a new one`,
    );
  const failed = observed === "failed";
  switch (action) {
    case "stop":
      // A suspended instance is stopped already (and stays suspended).
      return current === "running" ? change("stopped") : already(current);
    case "start":
      if (current === "suspended")
        throw new AimsError(
          "conflict",
          `the instance is suspended; ${command("resume")} starts it again (an admin's action)`,
        );
      if (current === "running" && !failed) return already("running");
      return change("running", failed);
    case "restart":
      if (current === "suspended")
        throw new AimsError(
          "conflict",
          `the instance is suspended; ${command("resume")} starts it again (an admin's action)`,
        );
      if (current !== "running")
        throw new AimsError("conflict", `the instance is ${current}; ${command("start")} starts it`);
      return change("running", true);
    case "suspend":
      return current === "suspended" ? already("suspended") : change("suspended");
    case "resume":
      if (current === "stopped")
        throw new AimsError(
          "conflict",
          `the instance is stopped, not suspended; ${command("start")} starts it`,
        );
      // Running already: a failed one starts afresh, as `start` would.
      if (current === "running") return failed ? change("running", true) : already("running");
      return change("running");
  }
}

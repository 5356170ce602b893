import { describe, expect, it } from "vitest";
import { AimsError } from "./errors.js";
import { type Desired, type InstanceAction, planAction } from "./instanceActions.js";

const web = { tenant: "acme", name: "web" };
const ACTIONS: InstanceAction[] = ["stop", "start", "restart", "suspend", "resume"];

/** What each action does from each desired state: the plan, or the command its refusal names. */
function outcome(action: InstanceAction, current: Desired, observed: string) {
  try {
    const plan = planAction(action, current, observed, web);
    return plan.unchanged ? `already ${plan.desired}` : `${plan.desired}${plan.restart ? " (restart)" : ""}`;
  } catch (err) {
    expect(err).toBeInstanceOf(AimsError);
    expect((err as AimsError).code).toBe("conflict");
    return `refused: ${/`(aims [^`]+)`/.exec((err as AimsError).message)?.[1]}`;
  }
}

describe("planAction", () => {
  it("from each state: a change, an unchanged answer, or a refusal naming the command that works", () => {
    const table = Object.fromEntries(
      (
        [
          ["running", "ready"],
          ["running", "failed"],
          ["stopped", "stopped"],
          ["suspended", "suspended"],
        ] as const
      ).map(([desired, observed]) => [
        `${desired}/${observed}`,
        Object.fromEntries(ACTIONS.map((a) => [a, outcome(a, desired, observed)])),
      ]),
    );
    expect(table).toEqual({
      "running/ready": {
        stop: "stopped",
        start: "already running",
        restart: "running (restart)",
        suspend: "suspended",
        resume: "already running",
      },
      "running/failed": {
        stop: "stopped",
        start: "running (restart)",
        restart: "running (restart)",
        suspend: "suspended",
        resume: "running (restart)",
      },
      "stopped/stopped": {
        stop: "already stopped",
        start: "running",
        restart: "refused: aims start web --tenant acme",
        suspend: "suspended",
        resume: "refused: aims start web --tenant acme",
      },
      "suspended/suspended": {
        stop: "already suspended",
        start: "refused: aims resume web --tenant acme",
        restart: "refused: aims resume web --tenant acme",
        suspend: "already suspended",
        resume: "running",
      },
    });
  });

  it("refuses everything while the instance is being removed, saying what to do after", () => {
    for (const action of ACTIONS)
      expect(() => planAction(action, "removed", "removing", web)).toThrow(
        /being removed; once `aims ps --tenant acme` no longer lists it, `aims deploy` makes a new one/,
      );
  });
});

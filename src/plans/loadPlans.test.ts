import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import { loadPlans } from "./loadPlans.js";

/** The `plans:` section as config.yaml would give it, parsed by the config schema. */
function overrides(plans: unknown) {
  return configSchema.parse({ dataDir: "/tmp/x", plans }).plans;
}

describe("loadPlans", () => {
  it("ships starter, team, business and sovereign with the issue's instance limits", () => {
    const plans = loadPlans({}, "team");
    expect(plans.all.map((p) => [p.name, p.limits.instances])).toEqual([
      ["starter", 2],
      ["team", 10],
      ["business", 25],
      ["sovereign", null],
    ]);
    expect(plans.defaultPlan.name).toBe("team");
    expect(plans.get("starter").limits.perInstance.memory).toBe(1024 ** 3);
  });

  it("lays config.yaml's fields over a shipped plan, one field at a time", () => {
    const plans = loadPlans(
      overrides({ starter: { limits: { instances: 3, total: { memory: "3g" } }, price: { monthly: 12 } } }),
      "starter",
    );
    const starter = plans.get("starter");
    expect(starter.limits.instances).toBe(3);
    expect(starter.limits.total).toEqual({ cpu: 2, memory: 3 * 1024 ** 3, pids: 1024 });
    expect(starter.price).toEqual({ monthly: 12, currency: "USD" });
    expect(plans.defaultPlan.name).toBe("starter");
  });

  it("lifts a limit with unlimited", () => {
    expect(
      loadPlans(overrides({ team: { limits: { instances: "unlimited" } } }), "team").get("team").limits
        .instances,
    ).toBeNull();
  });

  it("refuses a new plan that is not whole, naming the plan and the field", () => {
    expect(() => loadPlans(overrides({ gold: { title: "Gold" } }), "team")).toThrow(/plans\.gold: .*price/);
  });

  it("refuses a defaultPlan that is no plan, listing the plans there are", () => {
    expect(() => loadPlans({}, "platinum")).toThrow(
      "defaultPlan platinum is not a plan: the plans are starter, team, business, sovereign",
    );
  });

  it("names the plans there are for an unknown one", () => {
    expect(() => loadPlans({}, "team").get("gold")).toThrow(
      /no plan is called gold: the plans are starter, team/,
    );
  });
});

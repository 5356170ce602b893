import { describe, expect, it } from "vitest";
import { autoscalePolicyInput, decideScale, type ScaleInputs } from "./autoscale.js";

const now = 1_000_000;
const base: ScaleInputs = {
  policy: { min: 1, max: 3, cpuPercent: 70, memoryPercent: null, cooldownMs: 10_000 },
  planMax: 10,
  replicas: 1,
  cpuPercent: 50,
  memoryPercent: 10,
  sampledReplicas: 3,
  lastScaledAt: null,
  now,
  scaleDownRatio: 0.5,
};
const decide = (over: Partial<ScaleInputs>) => decideScale({ ...base, ...over });

describe("decideScale", () => {
  it("adds a replica when CPU is above the target, with the numbers that drove it", () => {
    const d = decide({ cpuPercent: 95 });
    expect(d).toMatchObject({ action: "up", to: 2, reason: "CPU 95% > target 70%" });
    expect(d.numbers).toMatchObject({ replicas: 1, cpuPercent: 95, cpuTarget: 70, max: 3, planMax: 10 });
  });

  it("adds one for memory above its target when the policy has one, and ignores memory otherwise", () => {
    const policy = { ...base.policy, memoryPercent: 80 };
    expect(decide({ policy, memoryPercent: 90 })).toMatchObject({ action: "up", to: 2 });
    expect(decide({ memoryPercent: 99 }).action).toBe("hold");
  });

  it("holds within the cooldown of the last step, and acts once it is over", () => {
    expect(decide({ cpuPercent: 95, lastScaledAt: now - 4000 })).toMatchObject({
      action: "hold",
      reason: "cooling down (6 s left)",
    });
    expect(decide({ cpuPercent: 95, lastScaledAt: now - 10_000 }).action).toBe("up");
  });

  it("never goes past the policy's max or the plan's replicas per service", () => {
    expect(decide({ cpuPercent: 99, replicas: 3 })).toMatchObject({ action: "hold", to: 3 });
    const capped = decide({ cpuPercent: 99, replicas: 2, planMax: 2 });
    expect(capped.action).toBe("hold");
    expect(capped.reason).toContain("plan's limit (2 per service)");
    // A plan lowered below the count brings it back, one replica per pass, cooldown or not.
    expect(decide({ replicas: 3, planMax: 2, lastScaledAt: now })).toMatchObject({ action: "down", to: 2 });
  });

  it("brings a count below min up to min, even without samples", () => {
    const policy = { ...base.policy, min: 2 };
    expect(decide({ policy, cpuPercent: null, memoryPercent: null })).toMatchObject({ action: "up", to: 2 });
  });

  it("holds until every replica has readings", () => {
    expect(decide({ replicas: 2, cpuPercent: 99, sampledReplicas: 1 })).toMatchObject({
      action: "hold",
      reason: "samples of 1 of 2 replicas so far",
    });
  });

  it("holds without samples", () => {
    expect(decide({ cpuPercent: null, memoryPercent: null, replicas: 2 })).toMatchObject({
      action: "hold",
      reason: "no resource samples in the window yet",
    });
  });

  it("scales down only below half the target, and only when one replica fewer stays below the target", () => {
    // 40% is below the target but above half of it: hold.
    expect(decide({ replicas: 2, cpuPercent: 40 }).action).toBe("hold");
    expect(decide({ replicas: 2, cpuPercent: 30 })).toMatchObject({ action: "down", to: 1 });
    // With 3 replicas at 34%: below 35%, and 34 × 3 / 2 = 51% stays below 70%: down.
    expect(decide({ replicas: 3, cpuPercent: 34 }).action).toBe("down");
    // A ratio of 0.9 with 2 replicas at 60%: below 63%, but one fewer would be 120%: hold (no flapping).
    expect(decide({ replicas: 2, cpuPercent: 60, scaleDownRatio: 0.9 }).action).toBe("hold");
    // Never below min.
    expect(decide({ replicas: 1, cpuPercent: 1 }).action).toBe("hold");
  });

  it("a memory target keeps replicas while memory is high, even when CPU is idle", () => {
    const policy = { ...base.policy, memoryPercent: 80 };
    expect(decide({ policy, replicas: 2, cpuPercent: 5, memoryPercent: 60 }).action).toBe("hold");
    expect(decide({ policy, replicas: 2, cpuPercent: 5, memoryPercent: 20 }).action).toBe("down");
  });
});

describe("autoscalePolicyInput", () => {
  it("takes a range, targets and an optional cooldown", () => {
    expect(autoscalePolicyInput.parse({ min: 1, max: 5, cpuPercent: 70 })).toEqual({
      min: 1,
      max: 5,
      cpuPercent: 70,
      memoryPercent: null,
      cooldownSeconds: null,
    });
  });

  it.each([
    [{ min: 3, max: 2, cpuPercent: 70 }, "must be at least min"],
    [{ min: 0, max: 2, cpuPercent: 70 }, "whole number from 1 to 20"],
    [{ min: 1, max: 2, cpuPercent: 0 }, "percentage of the limit from 1 to 100"],
    [{ min: 1, max: 2, cpuPercent: 70, cooldownSeconds: 0.5 }, "whole number from 1 to 86400"],
    [{ min: 1, max: 2, cpuPercent: 70, extra: 1 }, "extra"],
  ])("refuses %j", (input, message) => {
    const result = autoscalePolicyInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});

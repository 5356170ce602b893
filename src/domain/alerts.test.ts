import { describe, expect, it } from "vitest";
import {
  type AlertThresholds,
  type InstanceFacts,
  instanceConditions,
  type OpenAlert,
  resourceConditions,
  stepAlerts,
} from "./alerts.js";

const T: AlertThresholds = {
  unhealthyForMs: 10_000,
  restartLoopCount: 3,
  oomQuietMs: 60_000,
  cpuPercent: 90,
  memoryPercent: 80,
  resourceForMs: 30_000,
  volumeBytes: 1024 ** 3,
  zombieAfterMs: 5000,
};
const NOW = Date.parse("2026-12-01T12:00:00Z");
const facts = (over: Partial<InstanceFacts>): InstanceFacts => ({
  desired: "running",
  observed: "ready",
  failures: 0,
  lastFailure: null,
  silentContainers: [],
  ...over,
});
const rules = (f: InstanceFacts) => instanceConditions(f, T, NOW).map((c) => c.rule);
const oom = {
  at: new Date(NOW - 1000).toISOString(),
  what: "container web-1",
  oomKilled: true,
  exitCode: 137,
};

describe("instanceConditions", () => {
  it("holds nothing for a healthy ready instance, nor for one asked to stop", () => {
    expect(rules(facts({}))).toEqual([]);
    expect(rules(facts({ desired: "stopped", observed: "failed", lastFailure: oom }))).toEqual([]);
  });

  it("sees an OOM kill until the instance has been ready a quiet while since", () => {
    expect(rules(facts({ observed: "degraded", failures: 1, lastFailure: oom }))).toEqual([
      "unhealthy",
      "oom_killed",
    ]);
    expect(rules(facts({ lastFailure: oom }))).toEqual(["oom_killed"]);
    const old = { ...oom, at: new Date(NOW - 61_000).toISOString() };
    expect(rules(facts({ lastFailure: old }))).toEqual([]);
    // Failed: it never became ready again, so the OOM kill still holds, and the reconciler gave up.
    expect(rules(facts({ observed: "failed", failures: 5, lastFailure: old }))).toEqual([
      "unhealthy",
      "oom_killed",
      "gave_up",
    ]);
  });

  it("tells a restart loop from a crash, and says what to do", () => {
    const crash = { at: oom.at, what: "container web-1", exitCode: 7 };
    expect(rules(facts({ observed: "degraded", failures: 2, lastFailure: crash }))).toEqual(["unhealthy"]);
    const loop = instanceConditions(facts({ observed: "degraded", failures: 3, lastFailure: crash }), T, NOW);
    expect(loop.map((c) => c.rule)).toEqual(["unhealthy", "restart_loop"]);
    expect(loop[1]!.reason).toMatch(/crashed 3 times in a row \(container web-1\); see aims logs/);
  });

  it("names a zombie container once its health check was silent long enough, only while ready", () => {
    const silent = [{ container: "aims-x-web-1", silentMs: 6000 }];
    const [zombie] = instanceConditions(facts({ silentContainers: silent }), T, NOW);
    expect(zombie).toMatchObject({ rule: "zombie", subject: "aims-x-web-1", forMs: 0 });
    expect(rules(facts({ silentContainers: [{ container: "c", silentMs: 4000 }] }))).toEqual([]);
    expect(rules(facts({ observed: "deploying", silentContainers: silent }))).toEqual(["unhealthy"]);
  });
});

describe("resourceConditions", () => {
  it("evaluates nothing without a window (no samples reader wired)", () => {
    expect(resourceConditions(undefined, T)).toEqual([]);
    expect(rules(facts({ resources: {} }))).toEqual([]);
  });

  it("fires above the thresholds only, each with the number that drove it", () => {
    const over = resourceConditions(
      { cpuPercentOfLimit: 95.4, memoryPercentOfLimit: 81, volumeBytes: { data: 2 * 1024 ** 3, logs: 10 } },
      T,
    );
    expect(over.map((c) => [c.rule, c.subject, c.forMs])).toEqual([
      ["cpu_high", "", 30_000],
      ["memory_high", "", 30_000],
      ["volume_full", "data", 0],
    ]);
    expect(over[0]!.reason).toMatch(/CPU at 95% of its limit/);
    expect(over[2]!.reason).toMatch(/volume data holds 2048 MiB, above 1024 MiB/);
    expect(resourceConditions({ cpuPercentOfLimit: 90, memoryPercentOfLimit: 80 }, T)).toEqual([]);
  });
});

describe("stepAlerts", () => {
  const cond = (rule: "oom_killed" | "unhealthy", forMs: number) => ({
    rule,
    subject: "",
    reason: "r",
    data: {},
    forMs,
  });
  const open = (state: "pending" | "firing", since: number, rule = "unhealthy"): OpenAlert => ({
    id: `a-${rule}`,
    rule,
    subject: "",
    state,
    since: new Date(since).toISOString(),
  });

  it("fires a condition that need not wait at once, and one that must wait only once it held long enough", () => {
    expect(stepAlerts([], [cond("oom_killed", 0)], NOW)).toEqual([
      { do: "open", condition: cond("oom_killed", 0), fire: true },
    ]);
    expect(stepAlerts([], [cond("unhealthy", 10_000)], NOW)).toMatchObject([{ do: "open", fire: false }]);
    expect(stepAlerts([open("pending", NOW - 9000)], [cond("unhealthy", 10_000)], NOW)).toEqual([]);
    expect(stepAlerts([open("pending", NOW - 10_000)], [cond("unhealthy", 10_000)], NOW)).toMatchObject([
      { do: "fire", alert: { id: "a-unhealthy" } },
    ]);
  });

  it("never fires twice while a condition keeps holding (de-duplicated)", () => {
    expect(stepAlerts([open("firing", NOW - 1, "oom_killed")], [cond("oom_killed", 0)], NOW)).toEqual([]);
  });

  it("resolves a firing alert whose condition went away, and drops a pending one unseen", () => {
    expect(stepAlerts([open("firing", NOW - 1, "oom_killed"), open("pending", NOW - 1)], [], NOW)).toEqual([
      { do: "resolve", alert: open("firing", NOW - 1, "oom_killed") },
      { do: "drop", alert: open("pending", NOW - 1) },
    ]);
  });
});

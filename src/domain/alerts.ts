/**
 * Alert rules, pure: from what the reconciler knows of an instance (its states, failures, probes and, when a
 * reader is wired, its resource use), which conditions hold now; and from the open alerts and those conditions,
 * which alerts start pending, fire, resolve or are dropped. One open alert per instance, rule and subject: a
 * condition that keeps holding never fires twice (docs/alerts.md).
 */

export const ALERT_RULES = [
  "unhealthy",
  "oom_killed",
  "restart_loop",
  "gave_up",
  "cpu_high",
  "memory_high",
  "volume_full",
  "zombie",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * An instance's recent resource use, as the samples reader computes it: CPU and memory as a share of the limit
 * (100 = all of it; the highest service or replica), and each volume's size in bytes by volume name.
 */
export interface ResourceWindow {
  cpuPercentOfLimit?: number;
  memoryPercentOfLimit?: number;
  volumeBytes?: Record<string, number>;
}

/** What the rules read of one instance. */
export interface InstanceFacts {
  desired: string;
  observed: string;
  /** Crash restarts in a row. */
  failures: number;
  lastFailure: { at: string; what: string; oomKilled?: boolean; exitCode?: number } | null;
  /** Containers that run while their health check has not answered, with how long it has not. */
  silentContainers: Array<{ container: string; silentMs: number }>;
  /** Absent until the lead wires the samples reader: the CPU, memory and volume rules are then not evaluated. */
  resources?: ResourceWindow;
}

/** The numbers the rules compare with (configuration `alerts`). */
export interface AlertThresholds {
  unhealthyForMs: number;
  restartLoopCount: number;
  oomQuietMs: number;
  cpuPercent: number;
  memoryPercent: number;
  resourceForMs: number;
  volumeBytes: number;
  zombieAfterMs: number;
}

/** A condition that holds now; `forMs` is how long it must hold before it fires. */
export interface Condition {
  rule: AlertRule;
  subject: string;
  reason: string;
  data: Record<string, unknown>;
  forMs: number;
}

const NOT_READY = new Set(["pending", "deploying", "updating", "degraded", "failed"]);
const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The conditions that hold for one instance at `now` (epoch ms). */
export function instanceConditions(facts: InstanceFacts, t: AlertThresholds, now: number): Condition[] {
  if (facts.desired !== "running") return [];
  const out: Condition[] = [];
  const failure = facts.lastFailure;
  if (NOT_READY.has(facts.observed))
    out.push({
      rule: "unhealthy",
      subject: "",
      reason: `not ready (${facts.observed}) for ${seconds(t.unhealthyForMs)} or more${failure ? `: ${failure.what} failed` : ""}; see aims ps and aims logs`,
      data: { observed: facts.observed },
      forMs: t.unhealthyForMs,
    });
  if (failure?.oomKilled) {
    const quiet = facts.observed === "ready" && now - Date.parse(failure.at) >= t.oomQuietMs;
    if (!quiet)
      out.push({
        rule: "oom_killed",
        subject: "",
        reason: `${failure.what} was killed: out of memory; raise its memory limit (aims update --memory) or find what grows`,
        data: {
          what: failure.what,
          at: failure.at,
          ...(failure.exitCode !== undefined ? { exitCode: failure.exitCode } : {}),
        },
        forMs: 0,
      });
  }
  if (facts.observed === "failed" && failure)
    out.push({
      rule: "gave_up",
      subject: "",
      reason: `gave up restarting after ${facts.failures} crash(es): ${failure.what} failed; fix the cause, then aims restart`,
      data: { failures: facts.failures, what: failure.what },
      forMs: 0,
    });
  else if (facts.observed === "degraded" && facts.failures >= t.restartLoopCount)
    out.push({
      rule: "restart_loop",
      subject: "",
      reason: `crashed ${facts.failures} times in a row${failure ? ` (${failure.what})` : ""}; see aims logs for why`,
      data: { failures: facts.failures },
      forMs: 0,
    });
  if (facts.observed === "ready")
    for (const z of facts.silentContainers)
      if (z.silentMs >= t.zombieAfterMs)
        out.push({
          rule: "zombie",
          subject: z.container,
          reason: `container ${z.container} runs but its health check has not answered for ${seconds(z.silentMs)}; it is being restarted`,
          data: { container: z.container, silentMs: z.silentMs },
          forMs: 0,
        });
  out.push(...resourceConditions(facts.resources, t));
  return out;
}

/** CPU, memory and volume conditions; none without a window (no samples reader wired). */
export function resourceConditions(window: ResourceWindow | undefined, t: AlertThresholds): Condition[] {
  if (!window) return [];
  const out: Condition[] = [];
  const cpu = window.cpuPercentOfLimit;
  if (cpu !== undefined && cpu > t.cpuPercent)
    out.push({
      rule: "cpu_high",
      subject: "",
      reason: `CPU at ${Math.round(cpu)}% of its limit (above ${t.cpuPercent}% for ${seconds(t.resourceForMs)}); raise the CPU limit or scale out`,
      data: { cpuPercentOfLimit: cpu, threshold: t.cpuPercent },
      forMs: t.resourceForMs,
    });
  const memory = window.memoryPercentOfLimit;
  if (memory !== undefined && memory > t.memoryPercent)
    out.push({
      rule: "memory_high",
      subject: "",
      reason: `memory at ${Math.round(memory)}% of its limit (above ${t.memoryPercent}% for ${seconds(t.resourceForMs)}); raise the memory limit before it is OOM-killed`,
      data: { memoryPercentOfLimit: memory, threshold: t.memoryPercent },
      forMs: t.resourceForMs,
    });
  for (const [volume, bytes] of Object.entries(window.volumeBytes ?? {}))
    if (bytes > t.volumeBytes)
      out.push({
        rule: "volume_full",
        subject: volume,
        reason: `volume ${volume} holds ${mib(bytes)}, above ${mib(t.volumeBytes)}; clean it up or move the data`,
        data: { volume, bytes, threshold: t.volumeBytes },
        forMs: 0,
      });
  return out;
}

/** An alert that is not resolved yet, as the store has it. */
export interface OpenAlert {
  id: string;
  rule: string;
  subject: string;
  state: "pending" | "firing";
  since: string;
}

/** What becomes of the alerts of one instance. */
export type AlertStep =
  | { do: "open"; condition: Condition; fire: boolean }
  | { do: "fire"; alert: OpenAlert; condition: Condition }
  | { do: "resolve"; alert: OpenAlert }
  | { do: "drop"; alert: OpenAlert };

const keyOf = (a: { rule: string; subject: string }) => `${a.rule}\u0000${a.subject}`;

/**
 * From an instance's open alerts and the conditions that hold now: a new condition opens an alert (firing at
 * once when it need not hold for a while); a pending one fires once its condition held `forMs`; a firing one
 * whose condition no longer holds resolves; a pending one whose condition went away is dropped unseen.
 * @example stepAlerts([], [{ rule: "oom_killed", subject: "", reason, data: {}, forMs: 0 }], Date.now())
 */
export function stepAlerts(
  open: readonly OpenAlert[],
  conditions: readonly Condition[],
  now: number,
): AlertStep[] {
  const steps: AlertStep[] = [];
  const held = new Map(conditions.map((c) => [keyOf(c), c]));
  const seen = new Set<string>();
  for (const alert of open) {
    const key = keyOf(alert);
    const condition = held.get(key);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!condition) steps.push({ do: alert.state === "firing" ? "resolve" : "drop", alert });
    else if (alert.state === "pending" && now - Date.parse(alert.since) >= condition.forMs)
      steps.push({ do: "fire", alert, condition });
  }
  for (const [key, condition] of held)
    if (!seen.has(key)) steps.push({ do: "open", condition, fire: condition.forMs <= 0 });
  return steps;
}

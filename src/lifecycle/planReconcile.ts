import type { InstanceFailure } from "../domain/instanceFailure.js";
import type { ContainerState } from "../runtime/RuntimeDriver.js";
import type { InstanceRow, InstanceStatePatch } from "../store/instanceRepository.js";
import type { RevisionOutcome } from "../store/schema.js";

/**
 * The reconciler's decisions, pure and synchronous: from an instance row, the containers the engine
 * has for it and the time, which actions make the world match what was asked. The executor
 * (`reconcileInstance.ts`) only carries them out. Every branch here has a unit test.
 */

/** One state change the executor records: the row patch with its event and audit entry. */
export interface Transition {
  do: "transition";
  patch: InstanceStatePatch;
  event: string;
  /** Audit action (default: the event type). */
  action?: string;
  result?: "ok" | "failed";
  data?: Record<string, unknown>;
  /** What became of a revision, recorded in the same transaction (history). */
  outcome?: { revision: number; outcome: RevisionOutcome; reason: string | null };
}

/** A failure as the executor saw it; the planner dates it and names the revision. */
export type FailureInput = Omit<InstanceFailure, "at" | "revision"> & {
  /** The Docker container that exited, when one did (its name prefixes the reason). */
  container?: string;
};

/** How a converge pass treats a failure: undo a first deploy, roll back an update, or retry (heal / restart). */
export type ConvergeMode = "deploy" | "update" | "restart" | "heal";

export type ReconcileAction =
  | Transition
  /** Stop these containers (by id); data and the containers themselves are kept. */
  | { do: "stop"; containers: string[] }
  /** Remove every object of the instance, release its ports and secrets, and record `removed`. */
  | { do: "decommission"; keepVolumes: boolean }
  /** A container of a serving instance exited on its own: find out why, then `planCrash`. */
  | { do: "crash"; container: ContainerState }
  /** Stop `stop`, prepare images, create and start what is missing, health-gate; on failure `planFailure`. */
  | { do: "converge"; mode: ConvergeMode; stop: string[] }
  /** Nothing to do before `at` (restart backoff). */
  | { do: "wait"; at: number };

/** What `planFailure` asks for after a failed converge. */
export type FailureAction =
  | Transition
  /** Bring back `revision` (the last one that was healthy), or fail when there is none. */
  | { do: "rollback"; revision: number | null; reason: string; failure: InstanceFailure }
  /** A first deploy that never became ready: remove everything, release, record failed + removed. */
  | { do: "undo"; failure: InstanceFailure; code: string };

/** Restart policy numbers (from configuration). */
export interface RestartPolicy {
  maxRetries: number;
  backoffMs: number;
  stableAfterMs: number;
}

/** A restart was asked for (`aims restart`, `start` of a failed instance) and not carried out yet. */
export function restartDue(row: InstanceRow): boolean {
  return row.restart_requested_at !== null && row.restart_requested_at !== row.restart_done_at;
}

/** An update was asked for: the desired revision is not the one that last ran healthy. */
export function updateDue(row: InstanceRow): boolean {
  return row.running_revision !== null && row.revision !== row.running_revision;
}

const serving = (row: InstanceRow) => row.observed_state === "ready" || row.observed_state === "degraded";

/**
 * Decides one reconcile pass of an instance. `expected` names the containers the desired revision
 * should have; `containers` is what the engine has, labelled with the instance.
 * @example planReconcile(row, { expected, containers, keepVolumes: false, now: Date.now() })
 */
export function planReconcile(
  row: InstanceRow,
  world: { expected: ReadonlySet<string>; containers: ContainerState[]; keepVolumes: boolean; now: number },
): ReconcileAction[] {
  if (row.removed_at) return [];
  if (row.desired_state === "removed") return planRemoval(row, world.keepVolumes);
  if (row.desired_state === "stopped" || row.desired_state === "suspended") return planStop(row, world);

  const restart = restartDue(row);
  const update = updateDue(row);
  // A failed instance waits for a person: a restart, a start or an update.
  if (row.observed_state === "failed" && !restart && !update) return [];
  if (row.retry_at && !restart) {
    const at = Date.parse(row.retry_at);
    if (at > world.now) return [{ do: "wait", at }];
  }
  if (serving(row) && !row.retry_at && !restart && !update) {
    const crashed = world.containers.find((c) => world.expected.has(c.name) && !c.running);
    if (crashed) return [{ do: "crash", container: crashed }];
  }

  const mode: ConvergeMode = update ? "update" : restart ? "restart" : row.first_ready_at ? "heal" : "deploy";
  const actions: ReconcileAction[] = [];
  const begin = beginPatch(row, mode);
  if (begin) actions.push(begin);
  const running = world.containers.filter((c) => c.running);
  // A restart stops this revision's containers so they start afresh; an update stops the old
  // revision's so the new one can take their ports (they stay until it is healthy).
  const stop =
    mode === "restart"
      ? running.filter((c) => world.expected.has(c.name))
      : mode === "update"
        ? running.filter((c) => !world.expected.has(c.name))
        : [];
  actions.push({ do: "converge", mode, stop: stop.map((c) => c.id) });
  return actions;
}

function planRemoval(row: InstanceRow, keepVolumes: boolean): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  if (row.observed_state !== "removing")
    actions.push({ do: "transition", patch: { observed_state: "removing" }, event: "instance.removing" });
  actions.push({ do: "decommission", keepVolumes });
  return actions;
}

function planStop(row: InstanceRow, world: { containers: ContainerState[] }): ReconcileAction[] {
  const target = row.desired_state as "stopped" | "suspended";
  const running = world.containers.filter((c) => c.running).map((c) => c.id);
  const actions: ReconcileAction[] = running.length ? [{ do: "stop", containers: running }] : [];
  if (row.observed_state !== target)
    actions.push({
      do: "transition",
      patch: { observed_state: target, reason: null, retry_at: null, failures: 0 },
      event: `instance.${target}`,
    });
  return actions;
}

/**
 * The state change that opens a converge pass, if the pass starts something new. A restart is
 * recorded as done only when the pass ends (ready or failed), so a crash in between restarts again.
 */
function beginPatch(row: InstanceRow, mode: ConvergeMode): Transition | undefined {
  if (mode === "update") {
    if (row.observed_state === "updating") return undefined;
    return {
      do: "transition",
      patch: { observed_state: "updating", reason: null, retry_at: null, failures: 0 },
      event: "instance.updating",
      data: { from: row.running_revision, to: row.revision },
    };
  }
  if (mode === "restart")
    return {
      do: "transition",
      patch: { observed_state: "deploying", reason: null, retry_at: null, failures: 0 },
      event: "instance.deploying",
      data: { revision: row.revision },
    };
  if (["pending", "stopped", "suspended"].includes(row.observed_state))
    return {
      do: "transition",
      patch: { observed_state: "deploying" },
      event: "instance.deploying",
      data: { revision: row.revision },
    };
  return undefined;
}

/**
 * After a converge that succeeded: `ready` (with the revision that now runs), unless the instance
 * already was exactly that. `stale` counts containers of other revisions or replicas just removed.
 */
export function planReady(
  before: InstanceRow,
  current: InstanceRow,
  mode: ConvergeMode,
  stale: number,
  nowIso: string,
): Transition | undefined {
  // A restart after backoff (a crash healed); a restart a person asked for starts a fresh count instead.
  const restarted = mode === "heal" && Boolean(before.retry_at);
  // A change a person asked for that succeeded clears the last failure; a crash healed keeps it.
  const personChange = mode !== "heal" || ["stopped", "suspended", "pending"].includes(before.observed_state);
  const clearFailure = personChange && current.last_failure !== null;
  const unchanged =
    !clearFailure &&
    current.observed_state === "ready" &&
    !current.reason &&
    !restarted &&
    !stale &&
    current.running_revision === current.revision &&
    !restartDue(current);
  if (unchanged) return undefined;
  return {
    do: "transition",
    patch: {
      observed_state: "ready",
      reason: null,
      retry_at: null,
      running_revision: current.revision,
      ...(clearFailure ? { last_failure: null } : {}),
      ...restartDone(current),
      ...(restarted ? { last_restart_at: nowIso } : {}),
      ...(current.first_ready_at ? {} : { first_ready_at: nowIso }),
    },
    event: mode === "update" ? "instance.updated" : "instance.ready",
    data: {
      revision: current.revision,
      ...(restarted ? { restart: before.failures } : {}),
      ...(stale ? { removedStale: stale } : {}),
    },
    ...(current.running_revision === current.revision
      ? {}
      : { outcome: { revision: current.revision, outcome: "healthy" as const, reason: null } }),
  };
}

/**
 * After a converge that failed: before the instance was ever ready the deploy is undone (nothing
 * lingers); during an update the last healthy revision comes back; otherwise it is a crash with
 * bounded retries.
 */
export function planFailure(
  row: InstanceRow,
  mode: ConvergeMode,
  failure: FailureInput & { code: string },
  now: number,
  policy: RestartPolicy,
): FailureAction {
  const { code, ...seen } = failure;
  const record = failureRecord(row, seen, now);
  if (mode === "update")
    return { do: "rollback", revision: row.running_revision, reason: record.reason, failure: record };
  if (!row.first_ready_at) return { do: "undo", failure: record, code };
  const crash = planCrash(row, seen, now, policy);
  return { ...crash, patch: { ...crash.patch, ...restartDone(row) } };
}

/** The patch that marks a requested restart as carried out (nothing when none is due). */
function restartDone(row: InstanceRow): { restart_done_at?: string | null } {
  return restartDue(row) ? { restart_done_at: row.restart_requested_at } : {};
}

/** The patch and event of a first deploy undone: failed, and removed so its name is free again. */
export function undoneDeploy(
  row: InstanceRow,
  failure: InstanceFailure,
  code: string,
  nowIso: string,
): Transition {
  const reason = failure.reason;
  return {
    do: "transition",
    patch: {
      observed_state: "failed",
      desired_state: "removed",
      reason,
      failure_code: code,
      last_failure: JSON.stringify(failure),
      removed_at: nowIso,
    },
    event: "instance.failed",
    action: "instance.deploy",
    result: "failed",
    data: { reason, rolledBack: true },
    outcome: { revision: row.revision, outcome: "failed", reason },
  };
}

/** A failure dated and tied to the revision it happened to; the reason names the container that exited. */
export function failureRecord(row: InstanceRow, failure: FailureInput, now: number): InstanceFailure {
  const { container, ...seen } = failure;
  return {
    ...seen,
    at: new Date(now).toISOString(),
    revision: row.revision,
    reason: container ? `${container}: ${failure.reason}` : failure.reason,
  };
}

/** Delay before restart number `attempt` (1-based): backoff, doubling each time. */
export function restartDelay(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * Which restart this crash is: a fresh count when the instance had run stably since its last
 * (re)start, else one more. A retry that itself failed (`retry_at` set) never resets the count.
 */
export function nextFailureCount(row: InstanceRow, now: number, stableAfterMs: number): number {
  if (row.retry_at) return row.failures + 1;
  const since = row.last_restart_at ?? row.first_ready_at;
  if (!since || now - Date.parse(since) >= stableAfterMs) return 1;
  return row.failures + 1;
}

/**
 * A crash: `degraded` with a restart scheduled after backoff, or `failed` with the reason once the
 * retries are spent. Docker's restart policy is `no`, so the reconciler is the only restarter.
 */
export function planCrash(
  row: InstanceRow,
  failure: FailureInput,
  now: number,
  policy: RestartPolicy,
): Transition {
  const failures = nextFailureCount(row, now, policy.stableAfterMs);
  const record = failureRecord(row, failure, now);
  const what = record.reason;
  const last_failure = JSON.stringify(record);
  if (failures > policy.maxRetries)
    return {
      do: "transition",
      patch: {
        observed_state: "failed",
        failures,
        retry_at: null,
        reason: `${what} (gave up after ${policy.maxRetries} restarts)`,
        last_failure,
      },
      event: "instance.failed",
      result: "failed",
      data: { reason: what, restarts: policy.maxRetries },
    };
  const delay = restartDelay(policy.backoffMs, failures);
  return {
    do: "transition",
    patch: {
      observed_state: "degraded",
      failures,
      retry_at: new Date(now + delay).toISOString(),
      reason: `${what}; restart ${failures}/${policy.maxRetries} in ${(delay / 1000).toFixed(1)}s`,
      last_failure,
    },
    event: "instance.degraded",
    data: { reason: what, restart: failures, inMs: delay },
  };
}

/** The message a rolled-back update leaves on the instance (the CLI's exit 8 says it too). */
export function rolledBackReason(failedRevision: number, reason: string, revision: number): string {
  return `update to revision ${failedRevision} failed: ${reason}; rolled back to revision ${revision}`;
}

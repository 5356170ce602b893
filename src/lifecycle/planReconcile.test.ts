import { describe, expect, it } from "vitest";
import type { ContainerState } from "../runtime/RuntimeDriver.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import {
  nextFailureCount,
  planCrash,
  planFailure,
  planReady,
  planReconcile,
  type RestartPolicy,
  restartDelay,
  restartDue,
  rolledBackReason,
  undoneDeploy,
  updateDue,
} from "./planReconcile.js";

const NOW = Date.parse("2025-01-01T12:00:00.000Z");
const iso = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();
const policy: RestartPolicy = { maxRetries: 3, backoffMs: 1000, stableAfterMs: 60_000 };

/** A ready instance at revision 1 that first became ready an hour ago; override what the test is about. */
function instanceRow(overrides: Partial<InstanceRow> = {}): InstanceRow {
  return {
    id: "inst-1",
    tenant_id: "tenant-1",
    name: "blog",
    plug_id: "ghost",
    plug_version: "1.0.0",
    desired_state: "running",
    observed_state: "ready",
    reason: null,
    revision: 1,
    spec: "{}",
    created_at: iso(-3_600_000),
    updated_at: iso(-3_600_000),
    removed_at: null,
    failures: 0,
    retry_at: null,
    last_restart_at: null,
    first_ready_at: iso(-3_600_000),
    restart_requested_at: null,
    restart_done_at: null,
    running_revision: 1,
    failure_code: null,
    last_failure: null,
    volume_naming: "id",
    ...overrides,
  };
}

function container(name: string, running = true): ContainerState {
  return {
    id: `id-${name}`,
    name,
    image: "ghost:1",
    labels: {},
    running,
    status: running ? "running" : "exited",
    exitCode: running ? 0 : 137,
    oomKilled: false,
    restartCount: 0,
    ipAddresses: {},
  };
}

const web1 = "aims-t-blog-web-1-r1";
const web2 = "aims-t-blog-web-1-r2";

function plan(row: InstanceRow, containers: ContainerState[] = [], expected = [web1], keepVolumes = false) {
  return planReconcile(row, { expected: new Set(expected), containers, keepVolumes, now: NOW });
}

describe("planReconcile: removal and stopping", () => {
  it("does nothing for a removed row", () => {
    expect(plan(instanceRow({ desired_state: "removed", removed_at: iso(-1) }))).toEqual([]);
  });

  it("records removing, then decommissions with the instance's keepVolumes", () => {
    expect(plan(instanceRow({ desired_state: "removed" }), [], [web1], true)).toEqual([
      { do: "transition", patch: { observed_state: "removing" }, event: "instance.removing" },
      { do: "decommission", keepVolumes: true },
    ]);
  });

  it("resumes an interrupted removal without a second removing event", () => {
    const row = instanceRow({ desired_state: "removed", observed_state: "removing" });
    expect(plan(row)).toEqual([{ do: "decommission", keepVolumes: false }]);
  });

  it("stops the running containers of a stopped instance and records stopped with failures reset", () => {
    const row = instanceRow({ desired_state: "stopped", failures: 2, retry_at: iso(5000), reason: "oom" });
    expect(plan(row, [container(web1), container(web2, false)])).toEqual([
      { do: "stop", containers: [`id-${web1}`] },
      {
        do: "transition",
        patch: { observed_state: "stopped", reason: null, retry_at: null, failures: 0 },
        event: "instance.stopped",
      },
    ]);
  });

  it("suspends: records suspended even when nothing runs", () => {
    const actions = plan(instanceRow({ desired_state: "suspended" }), [container(web1, false)]);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ do: "transition", event: "instance.suspended" });
  });

  it("stops a container that came back while stopped, without a new event", () => {
    const row = instanceRow({ desired_state: "stopped", observed_state: "stopped" });
    expect(plan(row, [container(web1)])).toEqual([{ do: "stop", containers: [`id-${web1}`] }]);
  });

  it("does nothing when already stopped with nothing running", () => {
    const row = instanceRow({ desired_state: "suspended", observed_state: "suspended" });
    expect(plan(row, [container(web1, false)])).toEqual([]);
  });
});

describe("planReconcile: failures and backoff", () => {
  it("leaves a failed instance alone until a restart is requested", () => {
    expect(plan(instanceRow({ observed_state: "failed" }), [container(web1, false)])).toEqual([]);
  });

  it("restarts a failed instance when asked", () => {
    const row = instanceRow({ observed_state: "failed", failures: 4, restart_requested_at: iso(-10) });
    expect(plan(row).at(-1)).toEqual({ do: "converge", mode: "restart", stop: [] });
  });

  it("waits until retry_at during a restart backoff", () => {
    const row = instanceRow({ observed_state: "degraded", failures: 1, retry_at: iso(2000) });
    expect(plan(row, [container(web1, false)])).toEqual([{ do: "wait", at: NOW + 2000 }]);
  });

  it("converges once the retry is due, without a crash action or a begin transition", () => {
    const row = instanceRow({ observed_state: "degraded", failures: 1, retry_at: iso(0) });
    expect(plan(row, [container(web1, false)])).toEqual([{ do: "converge", mode: "heal", stop: [] }]);
  });

  it("names the exited container of a serving instance as a crash", () => {
    const exited = container(web1, false);
    const stale = container("aims-t-blog-web-2-r1", false);
    expect(plan(instanceRow(), [stale, exited])).toEqual([{ do: "crash", container: exited }]);
  });

  it("does not report a crash while a restart is requested", () => {
    const row = instanceRow({ restart_requested_at: iso(-10) });
    expect(plan(row, [container(web1, false)]).at(-1)).toMatchObject({ do: "converge", mode: "restart" });
  });

  it("does not report a crash while an update is due", () => {
    const row = instanceRow({ revision: 2 });
    expect(plan(row, [container(web1, false)], [web2]).at(-1)).toMatchObject({ mode: "update" });
  });
});

describe("planReconcile: converge modes", () => {
  it("first deploy from pending: deploying, then converge in deploy mode", () => {
    const row = instanceRow({ observed_state: "pending", first_ready_at: null, running_revision: null });
    expect(plan(row)).toEqual([
      {
        do: "transition",
        patch: { observed_state: "deploying" },
        event: "instance.deploying",
        data: { revision: 1 },
      },
      { do: "converge", mode: "deploy", stop: [] },
    ]);
  });

  it("heals a once-ready instance seen deploying without a new deploying event", () => {
    expect(plan(instanceRow({ observed_state: "deploying" }))).toEqual([
      { do: "converge", mode: "heal", stop: [] },
    ]);
  });

  it("starts a stopped instance through deploying, in heal mode", () => {
    const actions = plan(instanceRow({ observed_state: "stopped" }), [container(web1, false)]);
    expect(actions.map((a) => a.do)).toEqual(["transition", "converge"]);
    expect(actions[0]).toMatchObject({ event: "instance.deploying" });
    expect(actions[1]).toMatchObject({ mode: "heal" });
  });

  it("restart: deploying with the crash count reset, stopping this revision; the request stays due until the pass ends", () => {
    const row = instanceRow({
      observed_state: "degraded",
      failures: 2,
      retry_at: iso(9000),
      reason: "web: exited 1",
      restart_requested_at: iso(-10),
      restart_done_at: iso(-99_999),
    });
    const stale = container("aims-t-blog-web-2-r1");
    expect(plan(row, [container(web1), stale])).toEqual([
      {
        do: "transition",
        patch: {
          observed_state: "deploying",
          reason: null,
          retry_at: null,
          failures: 0,
        },
        event: "instance.deploying",
        data: { revision: 1 },
      },
      { do: "converge", mode: "restart", stop: [`id-${web1}`] },
    ]);
  });

  it("update: updating from the running revision to the new one; stops only the old revision", () => {
    const row = instanceRow({ revision: 2, failures: 1, reason: "old" });
    const exitedOld = container("aims-t-blog-worker-1-r1", false);
    expect(plan(row, [container(web1), container(web2), exitedOld], [web2])).toEqual([
      {
        do: "transition",
        patch: { observed_state: "updating", reason: null, retry_at: null, failures: 0 },
        event: "instance.updating",
        data: { from: 1, to: 2 },
      },
      { do: "converge", mode: "update", stop: [`id-${web1}`] },
    ]);
  });

  it("resumes an update without a second updating event", () => {
    const row = instanceRow({ revision: 2, observed_state: "updating" });
    expect(plan(row, [container(web1)], [web2])).toEqual([
      { do: "converge", mode: "update", stop: [`id-${web1}`] },
    ]);
  });

  it("an update due wins over a restart requested at the same time (the update starts every container afresh)", () => {
    const row = instanceRow({ revision: 2, observed_state: "updating", restart_requested_at: iso(-5) });
    expect(plan(row, [], [web2])).toEqual([{ do: "converge", mode: "update", stop: [] }]);
  });

  it("applies an update asked of a failed instance", () => {
    const row = instanceRow({ revision: 2, observed_state: "failed", reason: "gave up" });
    const [begin, converge] = plan(row, [], [web2]);
    expect(begin).toMatchObject({ event: "instance.updating", patch: { observed_state: "updating" } });
    expect(converge).toEqual({ do: "converge", mode: "update", stop: [] });
  });

  it("scale up: a ready instance missing a replica heals without stopping anything", () => {
    const expected = [web1, "aims-t-blog-web-2-r1"];
    expect(plan(instanceRow(), [container(web1)], expected)).toEqual([
      { do: "converge", mode: "heal", stop: [] },
    ]);
  });

  it("scale down: a ready instance with an extra replica heals (the extra goes as stale afterwards)", () => {
    const extra = container("aims-t-blog-web-2-r1");
    expect(plan(instanceRow(), [container(web1), extra])).toEqual([
      { do: "converge", mode: "heal", stop: [] },
    ]);
  });
});

describe("planReady", () => {
  const nowIso = iso(0);

  it("records nothing when the instance already is ready at this revision", () => {
    expect(planReady(instanceRow(), instanceRow(), "heal", 0, nowIso)).toBeUndefined();
  });

  it("marks the first ready time of a first deploy", () => {
    const row = instanceRow({ observed_state: "deploying", first_ready_at: null, running_revision: null });
    expect(planReady(row, row, "deploy", 0, nowIso)).toEqual({
      do: "transition",
      patch: {
        observed_state: "ready",
        reason: null,
        retry_at: null,
        running_revision: 1,
        first_ready_at: nowIso,
      },
      event: "instance.ready",
      data: { revision: 1 },
      outcome: { revision: 1, outcome: "healthy", reason: null },
    });
  });

  it("clears the last failure when a change a person asked for succeeds", () => {
    const row = instanceRow({ observed_state: "updating", revision: 2, last_failure: '{"reason":"x"}' });
    expect(planReady(row, row, "update", 0, nowIso)?.patch.last_failure).toBeNull();
    const stopped = instanceRow({ observed_state: "stopped", last_failure: '{"reason":"x"}' });
    const started = instanceRow({ observed_state: "deploying", last_failure: '{"reason":"x"}' });
    expect(planReady(stopped, started, "heal", 0, nowIso)?.patch).toMatchObject({
      observed_state: "ready",
      last_failure: null,
    });
  });

  it("keeps the last failure when a crash heals by itself", () => {
    const before = instanceRow({
      observed_state: "degraded",
      retry_at: iso(-1),
      last_failure: '{"reason":"x"}',
    });
    expect(planReady(before, before, "heal", 0, nowIso)?.patch).not.toHaveProperty("last_failure");
    const ready = instanceRow({ last_failure: '{"reason":"x"}' });
    expect(planReady(ready, ready, "heal", 0, nowIso)).toBeUndefined();
  });

  it("records a backoff restart: last_restart_at and the restart number", () => {
    const before = instanceRow({ observed_state: "degraded", failures: 2, retry_at: iso(-1) });
    const t = planReady(before, before, "heal", 0, nowIso);
    expect(t?.patch).toMatchObject({ observed_state: "ready", retry_at: null, last_restart_at: nowIso });
    expect(t?.patch).not.toHaveProperty("first_ready_at");
    expect(t?.data).toEqual({ revision: 1, restart: 2 });
  });

  it("reports an update as instance.updated with the new running revision", () => {
    const row = instanceRow({ observed_state: "updating", revision: 2 });
    const t = planReady(row, row, "update", 0, nowIso);
    expect(t?.event).toBe("instance.updated");
    expect(t?.patch.running_revision).toBe(2);
  });

  it("counts removed stale containers, even when the state does not change", () => {
    expect(planReady(instanceRow(), instanceRow(), "heal", 2, nowIso)?.data).toEqual({
      revision: 1,
      removedStale: 2,
    });
  });

  it("clears a reason left on a ready instance", () => {
    const row = instanceRow({ reason: "rolled back" });
    expect(planReady(row, row, "heal", 0, nowIso)?.patch.reason).toBeNull();
  });

  it("marks a requested restart done when the pass ends ready, not as a crash restart", () => {
    const before = instanceRow({
      observed_state: "degraded",
      retry_at: iso(9000),
      restart_requested_at: iso(-5),
    });
    const current = instanceRow({ observed_state: "deploying", restart_requested_at: iso(-5) });
    const t = planReady(before, current, "restart", 0, nowIso);
    expect(t?.event).toBe("instance.ready");
    expect(t?.patch.restart_done_at).toBe(iso(-5));
    expect(t?.patch).not.toHaveProperty("last_restart_at");
    expect(t?.data).toEqual({ revision: 1 });
  });

  it("records the running revision when it lags the revision", () => {
    const row = instanceRow({ revision: 2 });
    expect(planReady(row, row, "heal", 0, nowIso)?.patch.running_revision).toBe(2);
  });
});

describe("planFailure and undoneDeploy", () => {
  const failure = { what: "start", reason: "health check timed out", code: "unhealthy" };

  it("rolls a failed update back to the last healthy revision, carrying the dated failure", () => {
    const row = instanceRow({ revision: 3, running_revision: 2, observed_state: "updating" });
    expect(planFailure(row, "update", failure, NOW, policy)).toEqual({
      do: "rollback",
      revision: 2,
      reason: "health check timed out",
      failure: { what: "start", reason: "health check timed out", at: iso(0), revision: 3 },
    });
  });

  it("undoes a first deploy that never became ready, keeping the error code and the container's evidence", () => {
    const row = instanceRow({ observed_state: "deploying", first_ready_at: null, running_revision: null });
    const exited = {
      what: "start of web-1",
      container: "aims-t-blog-web-1-r1",
      reason: "container exited with code 3",
      code: "failed",
      exitCode: 3,
      oomKilled: false,
      logLines: ["boom"],
    };
    expect(planFailure(row, "deploy", exited, NOW, policy)).toEqual({
      do: "undo",
      code: "failed",
      failure: {
        what: "start of web-1",
        reason: "aims-t-blog-web-1-r1: container exited with code 3",
        exitCode: 3,
        oomKilled: false,
        logLines: ["boom"],
        at: iso(0),
        revision: 1,
      },
    });
  });

  it("treats a failed heal of a once-ready instance as a crash", () => {
    const t = planFailure(instanceRow(), "heal", failure, NOW, policy);
    expect(t).toMatchObject({ do: "transition", event: "instance.degraded" });
    expect(t.do === "transition" && t.patch.reason).toBe("health check timed out; restart 1/3 in 1.0s");
  });

  it("marks a requested restart done when it fails, so the backoff applies instead of restarting at once", () => {
    const row = instanceRow({ observed_state: "deploying", restart_requested_at: iso(-5) });
    const t = planFailure(row, "restart", failure, NOW, policy);
    expect(t).toMatchObject({ do: "transition", event: "instance.degraded" });
    expect(t.do === "transition" && t.patch.restart_done_at).toBe(iso(-5));
  });

  it("undoneDeploy: failed and removed with the failure kept, audited as a failed deploy, the revision failed", () => {
    const f = { what: "image preparation", reason: "image not found", at: iso(0), revision: 1 };
    expect(undoneDeploy(instanceRow(), f, "not_found", iso(0))).toEqual({
      do: "transition",
      patch: {
        observed_state: "failed",
        desired_state: "removed",
        reason: "image not found",
        failure_code: "not_found",
        last_failure: JSON.stringify(f),
        removed_at: iso(0),
      },
      event: "instance.failed",
      action: "instance.deploy",
      result: "failed",
      data: { reason: "image not found", rolledBack: true },
      outcome: { revision: 1, outcome: "failed", reason: "image not found" },
    });
  });
});

describe("planCrash and the restart count", () => {
  it("degrades with a doubling backoff and says when the restart comes", () => {
    const row = instanceRow({ failures: 1, last_restart_at: iso(-1000) });
    const crash = { what: "container web-1", container: "web-1", reason: "exited with code 1", exitCode: 1 };
    expect(planCrash(row, crash, NOW, policy)).toEqual({
      do: "transition",
      patch: {
        observed_state: "degraded",
        failures: 2,
        retry_at: iso(2000),
        reason: "web-1: exited with code 1; restart 2/3 in 2.0s",
        last_failure: JSON.stringify({
          what: "container web-1",
          reason: "web-1: exited with code 1",
          exitCode: 1,
          at: iso(0),
          revision: 1,
        }),
      },
      event: "instance.degraded",
      data: { reason: "web-1: exited with code 1", restart: 2, inMs: 2000 },
    });
  });

  it("fails with the reason once the retries are spent", () => {
    const row = instanceRow({ failures: 3, retry_at: iso(-1) });
    const oom = { what: "container web-1", container: "web-1", reason: "out of memory", oomKilled: true };
    expect(planCrash(row, oom, NOW, policy)).toEqual({
      do: "transition",
      patch: {
        observed_state: "failed",
        failures: 4,
        retry_at: null,
        reason: "web-1: out of memory (gave up after 3 restarts)",
        last_failure: expect.stringContaining('"oomKilled":true'),
      },
      event: "instance.failed",
      result: "failed",
      data: { reason: "web-1: out of memory", restarts: 3 },
    });
  });

  it("nextFailureCount: a crash after a stable run starts counting again", () => {
    expect(nextFailureCount(instanceRow({ failures: 3, last_restart_at: iso(-60_000) }), NOW, 60_000)).toBe(
      1,
    );
    expect(nextFailureCount(instanceRow({ failures: 3, first_ready_at: iso(-60_000) }), NOW, 60_000)).toBe(1);
  });

  it("nextFailureCount: a crash soon after the last restart counts one more", () => {
    expect(nextFailureCount(instanceRow({ failures: 2, last_restart_at: iso(-59_999) }), NOW, 60_000)).toBe(
      3,
    );
  });

  it("nextFailureCount: a failed retry never resets the count", () => {
    const row = instanceRow({ failures: 2, retry_at: iso(-1), last_restart_at: iso(-3_600_000) });
    expect(nextFailureCount(row, NOW, 60_000)).toBe(3);
  });

  it("nextFailureCount: with no ready or restart time, it is the first", () => {
    expect(nextFailureCount(instanceRow({ failures: 5, first_ready_at: null }), NOW, 60_000)).toBe(1);
  });

  it("restartDelay doubles from the backoff", () => {
    expect([0, 1, 2, 3, 4].map((n) => restartDelay(500, n))).toEqual([500, 500, 1000, 2000, 4000]);
  });
});

describe("restartDue, updateDue, rolledBackReason", () => {
  it("a restart is due while the request is not the one carried out", () => {
    expect(restartDue(instanceRow())).toBe(false);
    expect(restartDue(instanceRow({ restart_requested_at: iso(-1) }))).toBe(true);
    expect(restartDue(instanceRow({ restart_requested_at: iso(-1), restart_done_at: iso(-1) }))).toBe(false);
  });

  it("an update is due when the desired revision is not the one that last ran healthy", () => {
    expect(updateDue(instanceRow({ revision: 2, running_revision: 1 }))).toBe(true);
    expect(updateDue(instanceRow({ revision: 1, running_revision: 1 }))).toBe(false);
    expect(updateDue(instanceRow({ revision: 2, running_revision: null }))).toBe(false);
  });

  it("rolledBackReason names both revisions and the cause", () => {
    expect(rolledBackReason(3, "port in use", 2)).toBe(
      "update to revision 3 failed: port in use; rolled back to revision 2",
    );
  });
});

import { AimsError } from "../domain/errors.js";
import type { Platform } from "../main.js";
import { releasePorts } from "../ports/portAllocator.js";
import { type ContainerState, LABEL, type ProgressSink } from "../runtime/RuntimeDriver.js";
import { deleteSecrets, getInstanceForReconciler, type InstanceRow } from "../store/instanceRepository.js";
import { findTenantById } from "../store/tenantRepository.js";
import { convergeInstance, planFor } from "./convergeInstance.js";
import { crashPoint } from "./crashPoint.js";
import { type InstanceSpec, parseSpec } from "./instanceSpec.js";
import { expectedContainerNames } from "./needsWork.js";
import { resolveImages } from "./resolveImages.js";
import { scheduleRestart } from "./restartPolicy.js";
import { rollbackUpdate } from "./rollbackUpdate.js";
import { teardownInstance } from "./teardownInstance.js";
import { transition } from "./transition.js";
import { exitReason } from "./waitForHealthy.js";

/** What one reconcile pass of an instance achieved; `retryAt` asks for another pass at that time. */
export interface ReconcileResult {
  state: string;
  reason: string | null;
  retryAt?: number;
}

type Tenant = { id: string; name: string };

/**
 * Drives one instance toward its desired state: removal, stop/suspend, or running (create, start,
 * health-gate, restart crashed containers with backoff, finish or roll back updates, apply scale).
 * The caller holds the instance's lease. Idempotent: running it twice in a row does nothing the second time.
 */
export async function reconcileInstance(
  p: Platform,
  instanceId: string,
  progress: ProgressSink,
): Promise<ReconcileResult> {
  const row = await getInstanceForReconciler(p.store.db, instanceId);
  if (!row) throw new AimsError("not_found", `no instance with id ${instanceId}`);
  if (row.removed_at) return { state: row.observed_state, reason: row.reason };
  const tenant = await findTenantById(p.store.db, row.tenant_id);
  if (!tenant) throw new AimsError("not_found", `tenant of instance ${instanceId} is gone`);
  const spec = parseSpec(row.spec);
  if (row.desired_state === "removed") return removeFlow(p, tenant, row, spec, progress);
  if (row.desired_state === "stopped" || row.desired_state === "suspended")
    return stopFlow(p, tenant, row, progress);
  return runFlow(p, tenant, row, spec, progress);
}

async function instanceContainers(p: Platform, instanceId: string): Promise<ContainerState[]> {
  const { containers } = await p.driver.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: instanceId,
  });
  return containers;
}

const result = (row: InstanceRow, retryAt?: number): ReconcileResult => ({
  state: row.observed_state,
  reason: row.reason,
  ...(retryAt ? { retryAt } : {}),
});

async function removeFlow(
  p: Platform,
  tenant: Tenant,
  row: InstanceRow,
  spec: InstanceSpec,
  progress: ProgressSink,
): Promise<ReconcileResult> {
  let current = row;
  if (current.observed_state !== "removing")
    current = await transition(
      p,
      tenant,
      current,
      { observed_state: "removing" },
      { event: "instance.removing" },
    );
  const keepVolumes = Boolean(spec.keepVolumes);
  const removed = await teardownInstance(p, row.id, { keepVolumes }, progress);
  await releaseInstanceResources(p, row.id);
  const done = await transition(
    p,
    tenant,
    current,
    { observed_state: "removed", reason: null, retry_at: null, removed_at: new Date().toISOString() },
    { event: "instance.removed", data: { ...removed, keepVolumes } },
  );
  return result(done);
}

async function stopFlow(
  p: Platform,
  tenant: Tenant,
  row: InstanceRow,
  progress: ProgressSink,
): Promise<ReconcileResult> {
  const running = (await instanceContainers(p, row.id)).filter((c) => c.running);
  if (running.length) progress(`stopping ${running.length} container(s)`);
  await Promise.all(running.map((c) => p.driver.stopContainer(c.id, 10)));
  if (row.observed_state === row.desired_state) return result(row);
  const target = row.desired_state as "stopped" | "suspended";
  const updated = await transition(
    p,
    tenant,
    row,
    { observed_state: target, reason: null, retry_at: null, failures: 0 },
    { event: `instance.${target}` },
  );
  return result(updated);
}

async function runFlow(
  p: Platform,
  tenant: Tenant,
  row: InstanceRow,
  spec: InstanceSpec,
  progress: ProgressSink,
): Promise<ReconcileResult> {
  if (row.observed_state === "failed") return result(row);
  const now = Date.now();
  if (row.retry_at && Date.parse(row.retry_at) > now) return result(row, Date.parse(row.retry_at));
  const containers = await instanceContainers(p, row.id);
  const expected = new Set(expectedContainerNames(p.store.installationId, tenant.name, row, spec));
  const wasServing = row.observed_state === "ready" || row.observed_state === "degraded";

  // A container of a serving instance that exited on its own is a crash: the reconciler is the one restarter.
  const crashed =
    wasServing && !row.retry_at ? containers.find((c) => expected.has(c.name) && !c.running) : undefined;
  if (crashed) {
    const inspected = (await p.driver.inspectContainer(crashed.id)) ?? crashed;
    const scheduled = await scheduleRestart(
      p,
      tenant,
      row,
      crashed.name,
      await exitReason(p.driver, inspected),
    );
    return result(scheduled, scheduled.retry_at ? Date.parse(scheduled.retry_at) : undefined);
  }

  let current = row;
  const from = row.observed_state;
  if (from === "pending" || from === "stopped" || from === "suspended") {
    current = await transition(
      p,
      tenant,
      current,
      { observed_state: "deploying" },
      { event: "instance.deploying", data: { revision: row.revision } },
    );
  }
  try {
    if (from === "pending") {
      // A restart request: running containers of this revision stop first, then start again below.
      const running = containers.filter((c) => c.running && expected.has(c.name));
      await Promise.all(running.map((c) => p.driver.stopContainer(c.id, 10)));
    }
    if (from === "updating") {
      // Old revisions stop first so the new one can take their ports; they stay until it is healthy.
      const stale = containers.filter((c) => c.running && !expected.has(c.name));
      await Promise.all(stale.map((c) => p.driver.stopContainer(c.id, 10)));
      crashPoint(p.config, "mid-update");
    }
    const images = await resolveImages(
      p.driver,
      { plug: spec.plug, dir: spec.catalogDir },
      p.config.imageOverrides,
      progress,
      spec.images,
    );
    const plan = await planFor(p, tenant, current, spec, images);
    await convergeInstance(p, current, plan, progress);
  } catch (err) {
    return failedConverge(p, tenant, current, from, err, progress);
  }
  const stale = (await instanceContainers(p, row.id)).filter((c) => !expected.has(c.name));
  await Promise.all(stale.map((c) => p.driver.removeContainer(c.id)));
  await releaseScaledDownPorts(p, row, spec);
  // Replicas started or removed (scale) change the proxy's upstream even when the state does not change.
  p.routes.request();
  const readyAt = new Date().toISOString();
  const restarted = Boolean(row.retry_at);
  const event = from === "updating" ? "instance.updated" : "instance.ready";
  const updated =
    current.observed_state === "ready" && !current.reason && !restarted && !stale.length
      ? current
      : await transition(
          p,
          tenant,
          current,
          {
            observed_state: "ready",
            reason: null,
            retry_at: null,
            ...(restarted ? { last_restart_at: readyAt } : {}),
            ...(current.first_ready_at ? {} : { first_ready_at: readyAt }),
          },
          {
            event,
            data: {
              revision: row.revision,
              ...(restarted ? { restart: row.failures } : {}),
              ...(stale.length ? { removedStale: stale.length } : {}),
            },
          },
        );
  return result(updated);
}

/** Ports of replicas a scale-down removed go back to the pool once their containers are gone. */
async function releaseScaledDownPorts(p: Platform, row: InstanceRow, spec: InstanceSpec): Promise<void> {
  await p.store.db
    .deleteFrom("allocations")
    .where("instance_id", "=", row.id)
    .where((eb) =>
      eb.or(
        spec.plug.services.map((svc) =>
          eb.and([eb("service", "=", svc.name), eb("replica", ">", spec.replicas[svc.name] ?? 1)]),
        ),
      ),
    )
    .execute();
}

/**
 * A converge that failed: before the instance was ever ready the deploy is undone (nothing lingers);
 * during an update the previous revision comes back; otherwise it is a crash with bounded retries.
 */
async function failedConverge(
  p: Platform,
  tenant: Tenant,
  row: InstanceRow,
  from: string,
  err: unknown,
  progress: ProgressSink,
): Promise<ReconcileResult> {
  if (err instanceof AimsError && err.code === "unavailable") throw err;
  const reason = err instanceof Error ? err.message : String(err);
  if (from === "updating") return result(await rollbackUpdate(p, tenant, row, reason, progress));
  if (!row.first_ready_at) {
    progress(`deploy failed, rolling back: ${reason}`);
    await teardownInstance(p, row.id, { keepVolumes: false }, progress);
    await releaseInstanceResources(p, row.id);
    const failed = await transition(
      p,
      tenant,
      row,
      { observed_state: "failed", desired_state: "removed", reason, removed_at: new Date().toISOString() },
      {
        event: "instance.failed",
        action: "instance.deploy",
        result: "failed",
        data: { reason, rolledBack: true },
      },
    );
    return result(failed);
  }
  const scheduled = await scheduleRestart(p, tenant, row, undefined, reason);
  return result(scheduled, scheduled.retry_at ? Date.parse(scheduled.retry_at) : undefined);
}

/** Ports and secrets of an instance that no longer runs go back / away in one transaction. */
async function releaseInstanceResources(p: Platform, instanceId: string): Promise<void> {
  await p.store.db.transaction().execute(async (trx) => {
    await releasePorts(trx, instanceId);
    await deleteSecrets(trx, instanceId);
  });
}

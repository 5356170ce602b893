import type { ReconcilerContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { exitSentence } from "../domain/instanceFailure.js";
import { type InstanceSpec, parseSpec } from "../domain/instanceSpec.js";
import {
  type ContainerState,
  LABEL,
  type ManagedObjects,
  type ProgressSink,
} from "../runtime/RuntimeDriver.js";
import { getInstanceForReconciler, type InstanceRow } from "../store/instanceRepository.js";
import { findTenantById } from "../store/tenantRepository.js";
import { convergeInstance, planFor } from "./convergeInstance.js";
import { crashPoint } from "./crashPoint.js";
import { decommissionInstance, undoWrites } from "./decommissionInstance.js";
import {
  type ConvergeMode,
  type FailureInput,
  planCrash,
  planFailure,
  planReady,
  planReconcile,
  type ReconcileAction,
  type Transition,
  undoneDeploy,
} from "./planReconcile.js";
import { expectedContainerNames } from "./planTick.js";
import { plugSourceOf } from "./plugSource.js";
import { resolveImages } from "./resolveImages.js";
import { rollbackUpdate } from "./rollbackUpdate.js";
import { teardownInstance } from "./teardownInstance.js";
import { transition, type Writes } from "./transition.js";
import { ContainerExitedError, exitEvidence } from "./waitForHealthy.js";

/** What one reconcile pass of an instance achieved; `retryAt` asks for another pass at that time. */
export interface ReconcileResult {
  state: string;
  reason: string | null;
  retryAt?: number;
}

type Tenant = { id: string; name: string };

/** One pass in progress: the row as it is now, and what the executor needs to carry actions out. */
interface Pass {
  p: ReconcilerContext;
  tenant: Tenant;
  spec: InstanceSpec;
  before: InstanceRow;
  row: InstanceRow;
  expected: Set<string>;
  /** The instance's engine objects as listed at the start of the pass (the lease keeps anyone else off them). */
  objects: ManagedObjects;
  progress: ProgressSink;
  retryAt?: number;
}

/**
 * Drives one instance toward its desired state: `planReconcile` decides from the row, the engine's
 * containers and the time; this executor carries the actions out, one engine or store step each.
 * The caller holds the instance's lease. Idempotent: running it twice in a row does nothing the second time.
 */
export async function reconcileInstance(
  p: ReconcilerContext,
  instanceId: string,
  progress: ProgressSink,
): Promise<ReconcileResult> {
  const row = await getInstanceForReconciler(p.store.db, instanceId);
  if (!row) throw new AimsError("not_found", `no instance with id ${instanceId}`);
  if (row.removed_at) return result(row);
  const tenant = await findTenantById(p.store.db, row.tenant_id);
  if (!tenant) throw new AimsError("not_found", `tenant of instance ${instanceId} is gone`);
  const spec = parseSpec(row.spec);
  const expected = new Set(expectedContainerNames(p.store.installationId, tenant.name, row, spec));
  const objects = await instanceObjects(p, row.id);
  const actions = planReconcile(row, {
    expected,
    containers: objects.containers,
    keepVolumes: Boolean(spec.keepVolumes),
    now: Date.now(),
  });
  const pass: Pass = { p, tenant, spec, before: row, row, expected, objects, progress };
  for (const action of actions) {
    if (await execute(pass, action)) break;
  }
  return result(pass.row, pass.retryAt);
}

const result = (row: InstanceRow, retryAt?: number): ReconcileResult => ({
  state: row.observed_state,
  reason: row.reason,
  ...(retryAt ? { retryAt } : {}),
});

function instanceObjects(p: ReconcilerContext, instanceId: string): Promise<ManagedObjects> {
  return p.runtime.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: instanceId,
  });
}

/** Carries out one action; true when the pass ends here. */
async function execute(pass: Pass, action: ReconcileAction): Promise<boolean> {
  const { p } = pass;
  switch (action.do) {
    case "transition":
      await record(pass, action);
      return false;
    case "stop":
      await stopContainers(pass, action.containers);
      return false;
    case "wait":
      pass.retryAt = action.at;
      return true;
    case "decommission":
      await decommission(pass, action.keepVolumes);
      return true;
    case "crash": {
      const inspected = (await p.runtime.inspectContainer(action.container.id)) ?? action.container;
      const evidence = await exitEvidence(p.runtime, inspected);
      const failure: FailureInput = {
        container: action.container.name,
        what: `container ${containerLabel(action.container)}`,
        reason: exitSentence(evidence),
        ...evidence,
      };
      await record(pass, planCrash(pass.row, failure, Date.now(), p.config.restart));
      scheduleRetry(pass);
      return true;
    }
    case "converge":
      await converge(pass, action.mode, action.stop);
      return true;
  }
}

async function record(pass: Pass, t: Transition, within?: Writes): Promise<void> {
  pass.row = await transition(pass.p, pass.tenant, pass.row, t.patch, {
    ...(within ? { within } : {}),
    event: t.event,
    ...(t.action ? { action: t.action } : {}),
    ...(t.result ? { result: t.result } : {}),
    ...(t.data ? { data: t.data } : {}),
    ...(t.outcome ? { outcome: t.outcome } : {}),
  });
}

function scheduleRetry(pass: Pass): void {
  if (pass.row.retry_at) pass.retryAt = Date.parse(pass.row.retry_at);
}

async function decommission(pass: Pass, keepVolumes: boolean): Promise<void> {
  const { p, tenant, row, spec, progress } = pass;
  p.resolvedImages.delete(imagesKey(row));
  const done = await decommissionInstance(p, tenant, row, spec, keepVolumes, progress, pass.objects);
  await record(
    pass,
    {
      do: "transition",
      patch: {
        observed_state: "removed",
        reason: null,
        retry_at: null,
        removed_at: new Date().toISOString(),
      },
      event: "instance.removed",
      data: done.data,
    },
    done.within,
  );
}

/** Stops these containers and marks them stopped in the pass's listing, which later steps read. */
async function stopContainers(pass: Pass, ids: string[]): Promise<void> {
  if (!ids.length) return;
  pass.progress(`stopping ${ids.length} container(s)`);
  await Promise.all(ids.map((id) => pass.p.runtime.stopContainer(id)));
  const stopped = new Set(ids);
  pass.objects = {
    ...pass.objects,
    containers: pass.objects.containers.map((c) => (stopped.has(c.id) ? { ...c, running: false } : c)),
  };
}

/** Prepare images, create/start what is missing and health-gate; then finish, or handle the failure. */
async function converge(pass: Pass, mode: ConvergeMode, stop: string[]): Promise<void> {
  const { p, spec } = pass;
  try {
    await stopContainers(pass, stop);
    if (mode === "update") crashPoint(p.config, "mid-update");
    const images = await prepareImages(pass);
    const plan = await planFor(p, pass.tenant, pass.row, spec, images);
    await convergeInstance(p, pass.row, plan, pass.progress, pass.objects.containers);
  } catch (err) {
    // The image may be what failed (removed from the engine since): the next pass checks again.
    p.resolvedImages.delete(imagesKey(pass.row));
    await failed(pass, mode, err);
    return;
  }
  // Converging makes only expected containers, so the stale ones are those listed before it.
  const stale = pass.objects.containers.filter((c) => !pass.expected.has(c.name));
  await Promise.all(stale.map((c) => p.runtime.removeContainer(c.id)));
  await releaseScaledDownPorts(p, pass.row, spec);
  // Replicas started or removed (scale) change the proxy's upstream even when the state does not change.
  p.requestProxySync();
  const ready = planReady(pass.before, pass.row, mode, stale.length, new Date().toISOString());
  if (ready) await record(pass, ready);
}

/** How many instance revisions' images a process remembers before it starts over. */
const RESOLVED_IMAGES_KEPT = 10_000;

const imagesKey = (row: InstanceRow) => `${row.id}@${row.revision}`;

/**
 * Image preparation is a reconcile step: present, pulled or built, with progress. Once per revision: a
 * restart of the same revision's containers reuses what its first converge resolved.
 */
async function prepareImages(pass: Pass): Promise<Record<string, string>> {
  const { p, spec, progress } = pass;
  const key = imagesKey(pass.row);
  const known = p.resolvedImages.get(key);
  if (known) return known;
  progress(`preparing images for ${spec.plug.id} ${spec.plug.version}`);
  const images = await resolveImages(
    p.runtime,
    plugSourceOf(p, spec),
    p.config.imageOverrides,
    progress,
    spec.images,
  );
  if (p.resolvedImages.size >= RESOLVED_IMAGES_KEPT) p.resolvedImages.clear();
  p.resolvedImages.set(key, images);
  return images;
}

/** A failed converge: an unreachable engine is retried later untouched; anything else is planned. */
async function failed(pass: Pass, mode: ConvergeMode, err: unknown): Promise<void> {
  const { p } = pass;
  if (err instanceof AimsError && err.code === "unavailable" && !(await engineAnswers(p))) throw err;
  const next = planFailure(pass.row, mode, failureOf(err, mode), Date.now(), p.config.restart);
  switch (next.do) {
    case "rollback":
      pass.row = await rollbackUpdate(p, pass.tenant, pass.row, next, pass.progress);
      return;
    case "undo":
      pass.progress(`deploy failed, rolling back: ${next.failure.reason}`);
      await teardownInstance(
        p,
        pass.row.id,
        { keepVolumes: false, network: pass.row.network },
        pass.progress,
      );
      await record(
        pass,
        undoneDeploy(pass.row, next.failure, next.code, new Date().toISOString()),
        undoWrites(pass.row.id),
      );
      return;
    case "transition":
      await record(pass, next);
      scheduleRetry(pass);
  }
}

/** What a failed converge tells a person: the container that exited (with its evidence), or the step. */
function failureOf(err: unknown, mode: ConvergeMode): FailureInput & { code: string } {
  const reason = err instanceof Error ? err.message : String(err);
  const code = err instanceof AimsError ? err.code : "failed";
  if (err instanceof ContainerExitedError)
    return { what: `start of ${err.container}`, reason, code, ...err.evidence };
  return { what: mode === "update" ? "update" : "start", reason, code };
}

/** `web-1` for a container labelled with its service and replica. */
function containerLabel(c: ContainerState): string {
  return `${c.labels[LABEL.service] ?? c.name}-${c.labels[LABEL.replica] ?? "1"}`;
}

/** True when the engine answers: an `unavailable` error from a registry is a failure, not an outage. */
async function engineAnswers(p: ReconcilerContext): Promise<boolean> {
  try {
    await p.runtime.reachable();
    return true;
  } catch {
    return false;
  }
}

/** Ports of replicas a scale-down removed go back to the pool once their containers are gone. */
async function releaseScaledDownPorts(
  p: ReconcilerContext,
  row: InstanceRow,
  spec: InstanceSpec,
): Promise<void> {
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

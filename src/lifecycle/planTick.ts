import type { InstanceSpec } from "../domain/instanceSpec.js";
import { containerName, objectPrefix, replicaNumbers } from "../domain/objectNames.js";
import { type ContainerState, LABEL, type ManagedObjects } from "../runtime/RuntimeDriver.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import { restartDue, updateDue } from "./planReconcile.js";

/**
 * The tick's decisions, pure: which labelled objects are orphans, and which instances need the
 * reconciler now. The tick (`reconcileAll.ts`) carries them out.
 */

/** Names of the containers the current revision should have, in no particular order. */
export function expectedContainerNames(
  installationId: string,
  tenantName: string,
  row: InstanceRow,
  spec: InstanceSpec,
): string[] {
  const prefix = objectPrefix(installationId, tenantName, row.name);
  return spec.plug.services.flatMap((svc) =>
    replicaNumbers(spec.replicas[svc.name] ?? 1).map((r) => containerName(prefix, svc.name, r, row.revision)),
  );
}

export type Verdict = { work: false; retryAt?: number } | { work: true; why: string };

/**
 * Pure: does this instance need the reconciler now? Steady state (ready, every expected container
 * running, nothing extra) answers no without touching the engine.
 */
export function needsWork(
  row: InstanceRow,
  expected: string[],
  containers: ContainerState[],
  now: number,
): Verdict {
  if (row.desired_state === "removed") return { work: true, why: "removal pending" };
  const running = containers.filter((c) => c.running);
  if (row.desired_state === "stopped" || row.desired_state === "suspended") {
    if (row.observed_state !== row.desired_state)
      return { work: true, why: `should be ${row.desired_state}` };
    return running.length ? { work: true, why: "containers running while stopped" } : { work: false };
  }
  if (restartDue(row)) return { work: true, why: "restart requested" };
  if (row.observed_state === "failed") return { work: false };
  if (row.retry_at) {
    const at = Date.parse(row.retry_at);
    if (at > now) return { work: false, retryAt: at };
    return { work: true, why: "restart due" };
  }
  if (updateDue(row)) return { work: true, why: `update to revision ${row.revision}` };
  if (row.observed_state !== "ready") return { work: true, why: `observed ${row.observed_state}` };
  const byName = new Map(containers.map((c) => [c.name, c]));
  for (const name of expected) {
    const c = byName.get(name);
    if (!c) return { work: true, why: `container ${name} missing` };
    if (!c.running) return { work: true, why: `container ${name} ${c.status}` };
  }
  const extra = containers.find((c) => !expected.includes(c.name));
  if (extra)
    return {
      work: true,
      why: `stale container ${extra.name} (revision ${extra.labels[LABEL.revision] ?? "?"})`,
    };
  return { work: false };
}

/** Objects this install labelled whose instance the store does not know (or removed): orphans. */
export function findOrphans(objects: ManagedObjects, known: Set<string>, keptVolumes: Set<string>) {
  const unknown = <T extends { labels: Record<string, string> }>(o: T) =>
    !known.has(o.labels[LABEL.instance] ?? "");
  return {
    containers: objects.containers.filter(unknown),
    networks: objects.networks.filter(unknown),
    volumes: objects.volumes.filter((v) => unknown(v) && !keptVolumes.has(v.labels[LABEL.instance] ?? "")),
  };
}

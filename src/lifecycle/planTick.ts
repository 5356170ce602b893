import type { InstanceSpec, SpecShape } from "../domain/instanceSpec.js";
import { containerName, objectPrefix, replicaNumbers, serviceVolumeName } from "../domain/objectNames.js";
import {
  type ContainerState,
  LABEL,
  type ManagedObjects,
  type ObjectSummary,
} from "../runtime/RuntimeDriver.js";
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
  spec: SpecShape,
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

/**
 * Objects this install labelled whose instance the store does not know (or removed): orphans. Volumes
 * with a live kept-volume row (`ownedVolumes`, by Docker name) are owned; so are volumes labelled with an
 * instance removed with `keepVolumes` before kept volumes were recorded (`keptInstances`), until adopted.
 * A warm-pool network (labelled `aims.pool`, never with an instance) is owned while the store records it
 * (`poolNetworks`, by Docker name), waiting or claimed; one it does not record was never finished.
 */
export function findOrphans(
  objects: ManagedObjects,
  known: Set<string>,
  keptInstances: Set<string>,
  ownedVolumes: Set<string>,
  poolNetworks: Set<string> = new Set(),
) {
  const unknown = <T extends { labels: Record<string, string> }>(o: T) =>
    !known.has(o.labels[LABEL.instance] ?? "");
  return {
    containers: objects.containers.filter(unknown),
    networks: objects.networks.filter(
      (n) => !(n.labels[LABEL.pool] !== undefined && poolNetworks.has(n.name)) && unknown(n),
    ),
    volumes: objects.volumes.filter(
      (v) => unknown(v) && !keptInstances.has(v.labels[LABEL.instance] ?? "") && !ownedVolumes.has(v.name),
    ),
  };
}

/** One volume of an instance's manifest with the Docker name it has. */
export interface InstanceVolume {
  service: string;
  volume: string;
  path: string;
  name: string;
}

/** The Docker volumes an instance's spec names (by the instance's naming scheme), one per service volume. */
export function instanceVolumes(
  installationId: string,
  tenantName: string,
  row: InstanceRow,
  spec: InstanceSpec,
): InstanceVolume[] {
  const owner = {
    installationId,
    tenantName,
    instanceName: row.name,
    instanceId: row.id,
    naming: row.volume_naming,
  };
  return spec.plug.services.flatMap((svc) =>
    svc.volumes.map((v) => ({
      service: svc.name,
      volume: v.name,
      path: v.path,
      name: serviceVolumeName(owner, svc.name, v.name),
    })),
  );
}

/**
 * What an instance removed with `keepVolumes` keeps: each volume labelled with it that it does not
 * merely mount (`attached` names: those are kept again as they are), described from its manifest. A
 * labelled volume the manifest no longer names is kept too, with no mount path (it can only be removed).
 */
export function volumesToKeep(
  labelled: ObjectSummary[],
  manifest: InstanceVolume[],
  attached: Set<string>,
): InstanceVolume[] {
  return labelled
    .filter((v) => !attached.has(v.name))
    .map(
      (v) =>
        manifest.find((m) => m.name === v.name) ?? {
          service: v.labels[LABEL.service] ?? "",
          volume: v.name,
          path: "",
          name: v.name,
        },
    );
}

/** An instance removed with `keepVolumes` before kept volumes were recorded, with its manifest's volumes. */
export interface LegacyKeptInstance {
  row: InstanceRow;
  volumes: InstanceVolume[];
}

/** A volume the tick adopts into `kept_volumes`. */
export interface Adoption extends InstanceVolume {
  from: InstanceRow;
  /** The active instance that mounts it under the same name, if one does. */
  reattachedTo: string | null;
}

/**
 * Volumes kept by earlier releases that the store has no row for: labelled with an instance removed with
 * `keepVolumes` (`legacy`, by id) and named by its manifest. `recorded` holds every Docker name that ever
 * had a row (removed ones too, so a volume removed while this tick ran is not adopted again). An active
 * instance that mounts the same name (`mountedBy`, Docker name → instance id: earlier releases reattached
 * by name) has it attached. A labelled volume the manifest does not name stays protected, not adopted.
 */
export function findAdoptions(
  volumes: ObjectSummary[],
  legacy: Map<string, LegacyKeptInstance>,
  mountedBy: Map<string, string>,
  recorded: Set<string>,
): Adoption[] {
  const out: Adoption[] = [];
  for (const v of volumes) {
    const kept = legacy.get(v.labels[LABEL.instance] ?? "");
    const known = kept?.volumes.find((m) => m.name === v.name);
    if (!kept || !known || recorded.has(v.name)) continue;
    out.push({ ...known, from: kept.row, reattachedTo: mountedBy.get(v.name) ?? null });
  }
  return out;
}

/** A recorded pool network (a `network_pool` row). */
export interface PoolNetwork {
  name: string;
  instance_id: string | null;
}

/** What the tick does to the warm network pool. */
export interface PoolPlan {
  /** How many networks to make so `size` wait. */
  create: number;
  /** Waiting networks beyond `size` (the pool was made smaller): removed. */
  trim: string[];
  /** Networks claimed by an instance the store no longer has (a removal that stopped half-way): removed. */
  release: string[];
}

/** Tops the pool up to `size` waiting networks, trims what is over it, releases claims of removed instances. */
export function planNetworkPool(pool: readonly PoolNetwork[], known: Set<string>, size: number): PoolPlan {
  const waiting = pool.filter((n) => n.instance_id === null);
  return {
    create: Math.max(0, size - waiting.length),
    trim: waiting.slice(size).map((n) => n.name),
    release: pool.filter((n) => n.instance_id !== null && !known.has(n.instance_id)).map((n) => n.name),
  };
}

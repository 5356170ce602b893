import type { ReconcilerContext } from "../context.js";
import type { InstanceSpec } from "../domain/instanceSpec.js";
import { newId } from "../domain/names.js";
import { releasePorts } from "../ports/portAllocator.js";
import type { ManagedObjects, ProgressSink } from "../runtime/RuntimeDriver.js";
import { deleteSecrets, type InstanceRow, listSecrets } from "../store/instanceRepository.js";
import {
  detachKeptVolumes,
  insertKeptVolumes,
  keepAttachedAgain,
  listAttachedVolumes,
  markKeptVolumesRemoved,
} from "../store/keptVolumeRepository.js";
import { instanceVolumes, volumesToKeep } from "./planTick.js";
import { teardownInstance } from "./teardownInstance.js";
import type { Writes } from "./transition.js";

/** A decommission carried out on the engine: what the `instance.removed` event says, and the store writes that go with it. */
export interface Decommission {
  data: Record<string, unknown>;
  /** Ports and secrets released, volumes recorded as kept (or as removed): in the transaction that records `removed`. */
  within: Writes;
}

/**
 * Removes an instance's objects: containers, network, and its volumes and the kept volumes it reattached
 * unless `keepVolumes`. Kept, they become `kept_volumes` rows carrying the instance's sealed secrets (the
 * data was written with them), written with the `removed` transition so a tick never sees one without the other.
 * A claimed pool network goes in the background, after the answer (`teardownInstance`). `objects`: the
 * instance's objects as the caller listed them.
 */
export async function decommissionInstance(
  p: ReconcilerContext,
  tenant: { id: string; name: string },
  row: InstanceRow,
  spec: InstanceSpec,
  keepVolumes: boolean,
  progress: ProgressSink,
  objects?: ManagedObjects,
): Promise<Decommission> {
  const attached = await listAttachedVolumes(p.store.db, row.id);
  const torn = await teardownInstance(
    p,
    row.id,
    {
      keepVolumes,
      attachedVolumes: attached.map((k) => k.docker_volume),
      network: row.network,
      poolNetworkLater: true,
      ...(objects ? { objects } : {}),
    },
    progress,
  );
  const at = new Date().toISOString();
  const manifest = instanceVolumes(p.store.installationId, tenant.name, row, spec);
  const attachedNames = new Set(attached.map((k) => k.docker_volume));
  const fresh = keepVolumes
    ? volumesToKeep(torn.labelledVolumes, manifest, attachedNames).map((v) => ({ id: newId(), ...v }))
    : [];
  const kept = [...attached.map((k) => k.id), ...fresh.map((v) => v.id)];
  return {
    data: { ...torn.removed, keepVolumes, ...(keepVolumes ? { kept } : {}) },
    async within(trx) {
      await releasePorts(trx, row.id);
      if (keepVolumes) {
        const sealed = (await listSecrets(trx, row.id)).map((s) => ({
          key: s.key,
          ciphertext: s.ciphertext,
          origin: s.origin,
        }));
        const secrets = JSON.stringify(sealed);
        await insertKeptVolumes(
          trx,
          fresh.map((v) => ({
            id: v.id,
            tenant_id: tenant.id,
            plug_id: row.plug_id,
            service: v.service,
            volume: v.volume,
            path: v.path,
            docker_volume: v.name,
            instance_id: row.id,
            instance_name: row.name,
            secrets,
            kept_at: at,
            reattached_to: null,
            remove_requested_at: null,
            removed_at: null,
          })),
        );
        await keepAttachedAgain(trx, row, secrets, at);
      } else
        await markKeptVolumesRemoved(
          trx,
          attached.map((k) => k.id),
          at,
        );
      await deleteSecrets(trx, row.id);
    },
  };
}

/**
 * The store side of undoing a first deploy that never became ready: ports and secrets go, and kept volumes
 * it reattached wait again, untouched (their data is not the failed deploy's to lose).
 */
export function undoWrites(instanceId: string): Writes {
  return async (trx) => {
    await releasePorts(trx, instanceId);
    await deleteSecrets(trx, instanceId);
    await detachKeptVolumes(trx, instanceId);
  };
}

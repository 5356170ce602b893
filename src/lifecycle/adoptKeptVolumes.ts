import type { ReconcilerContext } from "../context.js";
import { type InstanceSpec, parseSpec } from "../domain/instanceSpec.js";
import { newId } from "../domain/names.js";
import type { ObjectSummary, ProgressSink } from "../runtime/RuntimeDriver.js";
import { type InstanceRow, listLegacyKeptInstances } from "../store/instanceRepository.js";
import { insertKeptVolumes, keptVolumeNames } from "../store/keptVolumeRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findAdoptions, type InstanceVolume, instanceVolumes, type LegacyKeptInstance } from "./planTick.js";
import { RECONCILER } from "./transition.js";

/** What the tick must not call an orphan: volumes of live kept-volume rows, and of legacy kept instances. */
export interface KeptVolumesSeen {
  ownedVolumes: Set<string>;
  keptInstances: Set<string>;
  adopted: number;
}

/**
 * The tick's kept-volume step: Docker volumes kept by releases before kept volumes were recorded become
 * `kept_volumes` rows (secrets not recorded: those releases deleted them), attached to the active instance
 * that mounts them by name if one does. `volumes` were listed before the store is read here.
 */
export async function adoptKeptVolumes(
  p: ReconcilerContext,
  volumes: ObjectSummary[],
  active: InstanceRow[],
  tenants: Map<string, string>,
  progress: ProgressSink,
): Promise<KeptVolumesSeen> {
  if (!volumes.length) return { ownedVolumes: new Set(), keptInstances: new Set(), adopted: 0 };
  const names = await keptVolumeNames(p.store.db);
  const legacyRows = await listLegacyKeptInstances(p.store.db);
  const volumesOf = (row: InstanceRow): InstanceVolume[] => {
    const spec = specOf(row);
    return spec ? instanceVolumes(p.store.installationId, tenants.get(row.tenant_id) ?? "?", row, spec) : [];
  };
  const legacy = new Map<string, LegacyKeptInstance>(
    legacyRows.map((r) => [r.id, { row: r, volumes: volumesOf(r) }]),
  );
  const mountedBy = new Map<string, string>();
  for (const row of active.filter((r) => r.volume_naming === "name"))
    for (const v of volumesOf(row)) mountedBy.set(v.name, row.id);
  const adoptions = findAdoptions(volumes, legacy, mountedBy, names.recorded);
  if (adoptions.length) {
    progress(`adopting ${adoptions.length} volume(s) kept by an earlier release`);
    const now = new Date().toISOString();
    await p.store.db.transaction().execute(async (trx) => {
      for (const a of adoptions) {
        const id = newId();
        await insertKeptVolumes(trx, [
          {
            id,
            tenant_id: a.from.tenant_id,
            plug_id: a.from.plug_id,
            service: a.service,
            volume: a.volume,
            path: a.path,
            docker_volume: a.name,
            instance_id: a.from.id,
            instance_name: a.from.name,
            secrets: null,
            kept_at: a.from.removed_at ?? now,
            reattached_to: a.reattachedTo,
            remove_requested_at: null,
            removed_at: null,
          },
        ]);
        const data = { volume: a.name, from: a.from.name, reattachedTo: a.reattachedTo };
        await recordChange(trx, {
          event: { type: "volume.adopted", tenantId: a.from.tenant_id, subject: id, data },
          audit: {
            actor: RECONCILER.id,
            source: RECONCILER.source,
            action: "volume.adopt",
            target: `volume/${tenants.get(a.from.tenant_id) ?? a.from.tenant_id}/${id}`,
            tenantId: a.from.tenant_id,
            result: "ok",
            data,
          },
        });
      }
    });
  }
  return {
    ownedVolumes: new Set([...names.live, ...adoptions.map((a) => a.name)]),
    keptInstances: new Set(legacyRows.map((r) => r.id)),
    adopted: adoptions.length,
  };
}

function specOf(row: InstanceRow): InstanceSpec | undefined {
  try {
    return parseSpec(row.spec);
  } catch {
    return undefined;
  }
}

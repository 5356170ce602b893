import { setTimeout as sleep } from "node:timers/promises";
import type { ReconcilerContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import {
  getKeptVolumeForReconciler,
  type KeptVolumeRow,
  listPendingRemovals,
  markKeptVolumesRemoved,
} from "../store/keptVolumeRepository.js";
import { withLease } from "../store/leases.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantById } from "../store/tenantRepository.js";
import { RECONCILER } from "./transition.js";

/** The lease name of one kept volume: only its holder removes it. */
export const keptVolumeLease = (id: string) => `kept-volume:${id}`;

/**
 * Carries out an asked-for removal of a kept volume (`aims volumes rm`): removes the Docker volume, then
 * records it removed with an event and audit entry. The caller holds its lease. Idempotent.
 */
export async function reconcileKeptVolume(
  p: ReconcilerContext,
  id: string,
  progress: ProgressSink,
): Promise<KeptVolumeRow | undefined> {
  const row = await getKeptVolumeForReconciler(p.store.db, id);
  if (!row || row.removed_at || !row.remove_requested_at) return row;
  progress(`removing kept volume ${row.id} (${row.docker_volume})`);
  await p.runtime.removeVolume(row.docker_volume);
  const tenant = await findTenantById(p.store.db, row.tenant_id);
  await p.store.db.transaction().execute(async (trx) => {
    await markKeptVolumesRemoved(trx, [row.id], new Date().toISOString());
    const data = { volume: row.docker_volume, from: row.instance_name };
    await recordChange(trx, {
      event: { type: "volume.removed", tenantId: row.tenant_id, subject: row.id, data },
      audit: {
        actor: RECONCILER.id,
        source: RECONCILER.source,
        action: "volume.removed",
        target: `volume/${tenant?.name ?? row.tenant_id}/${row.id}`,
        tenantId: row.tenant_id,
        result: "ok",
        data,
      },
    });
  });
  return getKeptVolumeForReconciler(p.store.db, id);
}

/**
 * Removes one kept volume in this process under its lease; when another process holds the lease (the
 * tick of `aims serve`), waits for it to finish instead. Bounded by `timeoutMs`.
 */
export async function driveKeptVolume(
  p: ReconcilerContext,
  id: string,
  progress: ProgressSink,
  timeoutMs = 5 * 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await withLease(p.store.db, keptVolumeLease(id), () => reconcileKeptVolume(p, id, progress));
    const row = await getKeptVolumeForReconciler(p.store.db, id);
    if (!row || row.removed_at || !row.remove_requested_at) return;
    if (Date.now() > deadline)
      throw new AimsError("unavailable", `kept volume ${id} was not removed within ${timeoutMs / 1000}s`);
    await sleep(250);
  }
}

/** The tick's step: every kept volume whose removal was asked for and not carried out, each under its lease. */
export async function removeRequestedVolumes(p: ReconcilerContext, progress: ProgressSink): Promise<number> {
  let removed = 0;
  for (const row of await listPendingRemovals(p.store.db)) {
    const done = await withLease(p.store.db, keptVolumeLease(row.id), () =>
      reconcileKeptVolume(p, row.id, progress),
    );
    if (done.ran && done.value?.removed_at) removed += 1;
  }
  return removed;
}

import type { ReconcilerContext } from "../context.js";
import { LABEL } from "../runtime/RuntimeDriver.js";
import { pruneVolumeUsage, upsertVolumeUsage } from "../store/resourceSampleRepository.js";

/** One volume pass: the size of every instance volume of this install from one disk-usage call. */
export async function sampleVolumes(p: ReconcilerContext): Promise<number> {
  const at = Date.now();
  const volumes = await p.runtime.volumeUsage({ [LABEL.installation]: p.store.installationId });
  const rows = volumes
    .filter((v) => v.labels[LABEL.instance] && v.labels[LABEL.tenant])
    .map((v) => ({
      volume: v.name,
      tenant_id: v.labels[LABEL.tenant]!,
      instance_id: v.labels[LABEL.instance]!,
      bytes: v.bytes,
      at,
    }));
  await upsertVolumeUsage(p.store.db, rows);
  // A volume not in this report is gone: its size is forgotten.
  await pruneVolumeUsage(p.store.db, at);
  return rows.length;
}

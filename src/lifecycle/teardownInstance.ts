import type { ReconcilerContext } from "../context.js";
import { LABEL, type ObjectSummary, type ProgressSink } from "../runtime/RuntimeDriver.js";
import { deletePoolNetwork } from "../store/networkPoolRepository.js";
import { crashPoint } from "./crashPoint.js";

/** What a teardown removed (counts), and the volumes labelled with the instance (kept or removed). */
export interface Teardown {
  removed: { containers: number; networks: number; volumes: number };
  labelledVolumes: ObjectSummary[];
}

/**
 * Removes every Docker object labelled with this install and instance: containers first (stopped
 * gracefully, then removed), then the network, then (unless kept) its volumes and the kept volumes it
 * reattached (`attachedVolumes`, by Docker name: they carry the label of the instance they came from).
 * Idempotent.
 */
export async function teardownInstance(
  p: ReconcilerContext,
  instanceId: string,
  options: { keepVolumes: boolean; attachedVolumes?: string[]; network?: string | null },
  progress: ProgressSink,
): Promise<Teardown> {
  const objects = await p.runtime.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: instanceId,
  });
  if (objects.containers.length) progress(`removing ${objects.containers.length} container(s)`);
  await Promise.all(
    objects.containers.map(async (c) => {
      if (c.running) await p.runtime.stopContainer(c.id);
      await p.runtime.removeContainer(c.id);
    }),
  );
  crashPoint(p.config, "mid-removal");
  const networks = new Set(objects.networks.map((n) => n.name));
  // A claimed pool network carries the pool's labels, not the instance's: it goes by the name recorded.
  if (options.network) networks.add(options.network);
  for (const n of networks) await p.runtime.removeNetwork(n);
  if (options.network) await deletePoolNetwork(p.store.db, options.network);
  const volumes = options.keepVolumes
    ? []
    : [...new Set([...objects.volumes.map((v) => v.name), ...(options.attachedVolumes ?? [])])];
  for (const v of volumes) await p.runtime.removeVolume(v);
  return {
    removed: {
      containers: objects.containers.length,
      networks: networks.size,
      volumes: volumes.length,
    },
    labelledVolumes: objects.volumes,
  };
}

import type { ReconcilerContext } from "../context.js";
import { LABEL, type ProgressSink } from "../runtime/RuntimeDriver.js";
import { crashPoint } from "./crashPoint.js";

/**
 * Removes every Docker object labelled with this install and instance: containers first (stopped
 * gracefully, then removed), then the network, then (unless kept) volumes. Idempotent.
 */
export async function teardownInstance(
  p: ReconcilerContext,
  instanceId: string,
  options: { keepVolumes: boolean },
  progress: ProgressSink,
): Promise<{ containers: number; networks: number; volumes: number }> {
  const objects = await p.runtime.listManaged({
    [LABEL.installation]: p.store.installationId,
    [LABEL.instance]: instanceId,
  });
  if (objects.containers.length) progress(`removing ${objects.containers.length} container(s)`);
  await Promise.all(
    objects.containers.map(async (c) => {
      if (c.running) await p.runtime.stopContainer(c.id, 10);
      await p.runtime.removeContainer(c.id);
    }),
  );
  crashPoint(p.config, "mid-removal");
  for (const n of objects.networks) await p.runtime.removeNetwork(n.name);
  const volumes = options.keepVolumes ? [] : objects.volumes;
  for (const v of volumes) await p.runtime.removeVolume(v.name);
  return {
    containers: objects.containers.length,
    networks: objects.networks.length,
    volumes: volumes.length,
  };
}

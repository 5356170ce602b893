import type { ReconcilerContext } from "../context.js";
import {
  LABEL,
  type ManagedObjects,
  type ObjectSummary,
  type ProgressSink,
} from "../runtime/RuntimeDriver.js";
import { deletePoolNetwork } from "../store/networkPoolRepository.js";
import { crashPoint } from "./crashPoint.js";

/** What a teardown removed (counts), and the volumes labelled with the instance (kept or removed). */
export interface Teardown {
  removed: { containers: number; networks: number; volumes: number };
  labelledVolumes: ObjectSummary[];
}

/** How a teardown goes. */
export interface TeardownOptions {
  keepVolumes: boolean;
  /** Kept volumes the instance reattached, by Docker name: they carry the label of the instance they came from. */
  attachedVolumes?: string[];
  /** The pool network the instance claimed (it carries the pool's labels, not the instance's). */
  network?: string | null;
  /** The instance's objects as the pass already listed them: saves listing them again. */
  objects?: ManagedObjects;
  /**
   * Remove the claimed pool network in the background (`p.background`) once the containers are gone. Its name
   * is the instance's alone and never handed out again, so nothing waits for it; a crash before it is gone
   * leaves a claim of a removed instance, which the tick's pool tending removes.
   */
  poolNetworkLater?: boolean;
}

/**
 * Removes every Docker object labelled with this install and instance: containers first (stopped
 * gracefully, then removed), then the network, then (unless kept) its volumes and the kept volumes it
 * reattached. Idempotent.
 */
export async function teardownInstance(
  p: ReconcilerContext,
  instanceId: string,
  options: TeardownOptions,
  progress: ProgressSink,
): Promise<Teardown> {
  const objects =
    options.objects ??
    (await p.runtime.listManaged({
      [LABEL.installation]: p.store.installationId,
      [LABEL.instance]: instanceId,
    }));
  if (objects.containers.length) progress(`removing ${objects.containers.length} container(s)`);
  await Promise.all(
    objects.containers.map(async (c) => {
      if (c.running) await p.runtime.stopContainer(c.id);
      await p.runtime.removeContainer(c.id);
    }),
  );
  crashPoint(p.config, "mid-removal");
  const networks = new Set(objects.networks.map((n) => n.name));
  for (const n of networks) await p.runtime.removeNetwork(n);
  // A claimed pool network carries the pool's labels, not the instance's: it goes by the name recorded.
  const pooled = options.network;
  if (pooled) {
    const removePooled = async () => {
      await p.runtime.removeNetwork(pooled);
      await deletePoolNetwork(p.store.db, pooled);
    };
    if (options.poolNetworkLater) p.background.run(`removing network ${pooled}`, removePooled);
    else await removePooled();
    networks.add(pooled);
  }
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

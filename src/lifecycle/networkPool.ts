import type { ReconcilerContext } from "../context.js";
import { newId } from "../domain/names.js";
import { poolNetworkLabels, poolNetworkName } from "../domain/objectNames.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { deletePoolNetwork, insertPoolNetwork, listPoolNetworks } from "../store/networkPoolRepository.js";
import type { NetworkPoolTable } from "../store/schema.js";
import { planNetworkPool } from "./planTick.js";

/** What tending the pool did. */
export interface PoolReport {
  created: number;
  removed: number;
}

/**
 * Keeps `networkPool` networks waiting (docs/reconciler.md#the-warm-network-pool): makes what is missing —
 * each recorded before it is made, so a network seen always has its row — removes waiting ones beyond the
 * size and those claimed by instances the store no longer has. `pool` is read after the tick's instances, so
 * every claim it shows belongs to an instance in `known`.
 */
export async function tendNetworkPool(
  p: ReconcilerContext,
  pool: NetworkPoolTable[],
  known: Set<string>,
  progress: ProgressSink,
): Promise<PoolReport> {
  const plan = planNetworkPool(pool, known, p.config.networkPool);
  let removed = 0;
  for (const name of plan.trim) {
    // Only while still waiting: a deploy may have claimed it since the pool was read.
    const gone = await p.store.db
      .deleteFrom("network_pool")
      .where("name", "=", name)
      .where("instance_id", "is", null)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) continue;
    await p.runtime.removeNetwork(name);
    removed++;
  }
  for (const name of plan.release) {
    await p.runtime.removeNetwork(name);
    await deletePoolNetwork(p.store.db, name);
    removed++;
  }
  if (plan.create) progress(`making ${plan.create} network(s) for the warm pool`);
  for (let i = 0; i < plan.create; i++) {
    const id = newId();
    const name = poolNetworkName(p.store.installationId, id);
    await insertPoolNetwork(p.store.db, name, new Date().toISOString());
    await p.runtime.ensureNetwork({ name, labels: poolNetworkLabels(p.store.installationId, id) });
  }
  return { created: plan.create, removed };
}

/** The pool as recorded: what the orphan sweep keeps and the tick tends. */
export const readNetworkPool = (p: ReconcilerContext) => listPoolNetworks(p.store.db);

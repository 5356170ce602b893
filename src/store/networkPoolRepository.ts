import type { Executor } from "./database.js";
import type { NetworkPoolTable } from "./schema.js";

/** The warm pool's networks, by Docker name (src/lifecycle/networkPool.ts). */
export function listPoolNetworks(ex: Executor): Promise<NetworkPoolTable[]> {
  return ex.selectFrom("network_pool").selectAll().orderBy("created_at").orderBy("name").execute();
}

/** Records a pool network before it is created (a crash in between leaves a row whose network a use makes). */
export async function insertPoolNetwork(ex: Executor, name: string, now: string): Promise<void> {
  await ex
    .insertInto("network_pool")
    .values({ name, created_at: now, instance_id: null, claimed_at: null })
    .execute();
}

/**
 * Claims the oldest waiting pool network for an instance and records it on the instance (inside the deploy's
 * transaction, so the two commit together). Undefined when none waits: the instance makes its own.
 */
export async function claimPoolNetwork(
  ex: Executor,
  instanceId: string,
  now: string,
): Promise<string | undefined> {
  const free = await ex
    .selectFrom("network_pool")
    .select("name")
    .where("instance_id", "is", null)
    .orderBy("created_at")
    .orderBy("name")
    .limit(1)
    .executeTakeFirst();
  if (!free) return undefined;
  const claimed = await ex
    .updateTable("network_pool")
    .set({ instance_id: instanceId, claimed_at: now })
    .where("name", "=", free.name)
    .where("instance_id", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return undefined;
  await ex.updateTable("instances").set({ network: free.name }).where("id", "=", instanceId).execute();
  return free.name;
}

/** Forgets a pool network (it was destroyed with its instance, or is no longer wanted). */
export async function deletePoolNetwork(ex: Executor, name: string): Promise<void> {
  await ex.deleteFrom("network_pool").where("name", "=", name).execute();
}

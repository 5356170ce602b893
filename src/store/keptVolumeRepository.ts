import type { Insertable, Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { KeptVolumesTable } from "./schema.js";

export type KeptVolumeRow = Selectable<KeptVolumesTable>;
export type NewKeptVolume = Insertable<KeptVolumesTable>;

/** A sealed secret as a kept volume carries it (sealed for the row's `instance_id`). */
export interface KeptSecret {
  key: string;
  ciphertext: string;
  origin: "generated" | "input";
}

/** The sealed secrets a kept volume's data was written with; null when they were not recorded. */
export function keptSecrets(row: Pick<KeptVolumeRow, "secrets">): KeptSecret[] | null {
  return row.secrets === null ? null : (JSON.parse(row.secrets) as KeptSecret[]);
}

/** Records kept volumes; a Docker volume that already has a live row is left as it is (adoption races). */
export async function insertKeptVolumes(ex: Executor, rows: NewKeptVolume[]): Promise<void> {
  if (rows.length)
    await ex
      .insertInto("kept_volumes")
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .execute();
}

/** A tenant's live kept volumes (attached ones included), oldest first. */
export function listKeptVolumes(ex: Executor, tenantId: string): Promise<KeptVolumeRow[]> {
  return ex
    .selectFrom("kept_volumes")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("removed_at", "is", null)
    .orderBy("kept_at")
    .orderBy("id")
    .execute();
}

/** The kept volumes an instance mounts (it reattached them with `deploy --reuse-volumes`). */
export function listAttachedVolumes(ex: Executor, instanceId: string): Promise<KeptVolumeRow[]> {
  return ex
    .selectFrom("kept_volumes")
    .selectAll()
    .where("reattached_to", "=", instanceId)
    .where("removed_at", "is", null)
    .execute();
}

/** One kept volume by id with no tenant scope: only for the reconciler. */
export function getKeptVolumeForReconciler(ex: Executor, id: string): Promise<KeptVolumeRow | undefined> {
  return ex.selectFrom("kept_volumes").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Attaches kept volumes to an instance, each only if it still waits (live, unattached, no removal asked);
 * returns how many were attached, so a caller can tell a race it lost.
 */
export async function attachKeptVolumes(ex: Executor, ids: string[], instanceId: string): Promise<number> {
  if (!ids.length) return 0;
  const result = await ex
    .updateTable("kept_volumes")
    .set({ reattached_to: instanceId })
    .where("id", "in", ids)
    .where("reattached_to", "is", null)
    .where("removed_at", "is", null)
    .where("remove_requested_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Lets go of the kept volumes an instance mounted (its first deploy was undone): they wait again. */
export async function detachKeptVolumes(ex: Executor, instanceId: string): Promise<void> {
  await ex
    .updateTable("kept_volumes")
    .set({ reattached_to: null })
    .where("reattached_to", "=", instanceId)
    .where("removed_at", "is", null)
    .execute();
}

/** Keeps an instance's attached volumes again, now as kept from it (with its secrets). */
export async function keepAttachedAgain(
  ex: Executor,
  instance: { id: string; name: string },
  secrets: string | null,
  keptAt: string,
): Promise<void> {
  await ex
    .updateTable("kept_volumes")
    .set({
      reattached_to: null,
      instance_id: instance.id,
      instance_name: instance.name,
      secrets,
      kept_at: keptAt,
    })
    .where("reattached_to", "=", instance.id)
    .where("removed_at", "is", null)
    .execute();
}

/** Marks kept volumes removed (their Docker volumes are gone). */
export async function markKeptVolumesRemoved(ex: Executor, ids: string[], at: string): Promise<void> {
  if (!ids.length) return;
  await ex
    .updateTable("kept_volumes")
    .set({ removed_at: at, reattached_to: null })
    .where("id", "in", ids)
    .where("removed_at", "is", null)
    .execute();
}

/** Asks for a waiting kept volume's removal; false when it is not waiting (attached, or gone meanwhile). */
export async function requestKeptVolumeRemoval(ex: Executor, id: string, at: string): Promise<boolean> {
  const result = await ex
    .updateTable("kept_volumes")
    .set({ remove_requested_at: at })
    .where("id", "=", id)
    .where("reattached_to", "is", null)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Kept volumes whose removal was asked for and not carried out yet. */
export function listPendingRemovals(ex: Executor): Promise<KeptVolumeRow[]> {
  return ex
    .selectFrom("kept_volumes")
    .selectAll()
    .where("remove_requested_at", "is not", null)
    .where("removed_at", "is", null)
    .execute();
}

/** Docker names of kept volumes: `live` rows own theirs; `recorded` holds every name that ever had a row. */
export async function keptVolumeNames(ex: Executor): Promise<{ live: Set<string>; recorded: Set<string> }> {
  const rows = await ex.selectFrom("kept_volumes").select(["docker_volume", "removed_at"]).execute();
  return {
    live: new Set(rows.filter((r) => r.removed_at === null).map((r) => r.docker_volume)),
    recorded: new Set(rows.map((r) => r.docker_volume)),
  };
}

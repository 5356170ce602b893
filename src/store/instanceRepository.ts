import type { Insertable, Selectable } from "kysely";
import { AimsError } from "../domain/errors.js";
import { type Executor, isUniqueViolation } from "./database.js";
import type {
  DesiredState,
  InstanceSecretsTable,
  InstancesTable,
  ObservedState,
  RevisionOutcome,
} from "./schema.js";

export type InstanceRow = Selectable<InstancesTable>;
export type InstanceSecretRow = Selectable<InstanceSecretsTable>;

/** Fields a state change may set; `updated_at` is always bumped. */
export interface InstanceStatePatch {
  observed_state?: ObservedState;
  desired_state?: DesiredState;
  reason?: string | null;
  removed_at?: string | null;
  revision?: number;
  /** JSON text, see InstancesTable.spec. */
  spec?: string;
  failures?: number;
  retry_at?: string | null;
  last_restart_at?: string | null;
  first_ready_at?: string | null;
  plug_version?: string;
  restart_requested_at?: string | null;
  restart_done_at?: string | null;
  running_revision?: number | null;
  failure_code?: string | null;
  last_failure?: string | null;
  /** What the instance was meant to be when its tenant was suspended (see InstancesTable). */
  suspended_from?: "running" | "stopped" | "suspended" | null;
}

/**
 * An instance by id with no tenant scope: only for the reconciler, which acts for the platform.
 * Every entry a tenant can reach uses findInstance / findInstanceById instead.
 */
export function getInstanceForReconciler(ex: Executor, id: string): Promise<InstanceRow | undefined> {
  return ex.selectFrom("instances").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Instances removed with `--keep-volumes` by a release before kept volumes were recorded (`name`-named):
 * their labelled volumes are protected, and the tick adopts them into `kept_volumes`.
 */
export function listLegacyKeptInstances(ex: Executor): Promise<InstanceRow[]> {
  return ex
    .selectFrom("instances")
    .selectAll()
    .where("removed_at", "is not", null)
    .where("volume_naming", "=", "name")
    .where("spec", "like", '%"keepVolumes":true%')
    .execute();
}

/** Records a revision's spec (kept for rollback and history), what it changed and who asked. */
export async function insertRevision(
  ex: Executor,
  row: {
    instance_id: string;
    revision: number;
    plug_version: string;
    spec: string;
    changes?: string;
    actor?: string;
  },
): Promise<void> {
  await ex
    .insertInto("instance_revisions")
    .values({ ...row, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(["instance_id", "revision"]).doNothing())
    .execute();
}

/** One recorded revision of an instance (its spec), or undefined. */
export function findRevision(ex: Executor, instanceId: string, revision: number) {
  return ex
    .selectFrom("instance_revisions")
    .selectAll()
    .where("instance_id", "=", instanceId)
    .where("revision", "=", revision)
    .executeTakeFirst();
}

/** The tenant's active (not removed) instance with this name, or undefined. */
export function findInstance(ex: Executor, tenantId: string, name: string): Promise<InstanceRow | undefined> {
  return ex
    .selectFrom("instances")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("name", "=", name)
    .where("removed_at", "is", null)
    .executeTakeFirst();
}

/** The tenant's instance with this id (removed ones included); another tenant's id yields undefined. */
export function findInstanceById(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<InstanceRow | undefined> {
  return ex
    .selectFrom("instances")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Active instances, of one tenant or all, ordered by tenant then name. */
export function listInstances(ex: Executor, filter: { tenantId?: string } = {}): Promise<InstanceRow[]> {
  let query = ex.selectFrom("instances").selectAll().where("removed_at", "is", null);
  if (filter.tenantId !== undefined) query = query.where("tenant_id", "=", filter.tenantId);
  return query.orderBy("tenant_id").orderBy("name").execute();
}

/** Inserts an instance row; an active instance with the same tenant and name is AimsError("conflict"). */
export async function insertInstance(ex: Executor, row: Insertable<InstancesTable>): Promise<InstanceRow> {
  try {
    return await ex.insertInto("instances").values(row).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AimsError("conflict", `instance ${row.name} already exists in this tenant`);
    throw err;
  }
}

/** Applies a state change, bumps updated_at and returns the row; an unknown id is AimsError("not_found"). */
export async function updateInstanceState(
  ex: Executor,
  id: string,
  patch: InstanceStatePatch,
): Promise<InstanceRow> {
  const row = await ex
    .updateTable("instances")
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AimsError("not_found", `no instance with id ${id}`);
  return row;
}

/** Stores (or replaces) one sealed secret of an instance. */
export async function putSecret(
  ex: Executor,
  input: Omit<Insertable<InstanceSecretsTable>, "created_at">,
): Promise<void> {
  await ex
    .insertInto("instance_secrets")
    .values({ ...input, created_at: new Date().toISOString() })
    .onConflict((oc) =>
      oc.columns(["instance_id", "key"]).doUpdateSet({ ciphertext: input.ciphertext, origin: input.origin }),
    )
    .execute();
}

/** An instance's sealed secrets, ordered by key. */
export function listSecrets(ex: Executor, instanceId: string): Promise<InstanceSecretRow[]> {
  return ex
    .selectFrom("instance_secrets")
    .selectAll()
    .where("instance_id", "=", instanceId)
    .orderBy("key")
    .execute();
}

/** Deletes every secret of an instance; returns how many were deleted. */
export async function deleteSecrets(ex: Executor, instanceId: string): Promise<number> {
  const result = await ex
    .deleteFrom("instance_secrets")
    .where("instance_id", "=", instanceId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Records what became of a revision (healthy, failed, rolled back) and why. */
export async function settleRevision(
  ex: Executor,
  instanceId: string,
  outcome: { revision: number; outcome: RevisionOutcome; reason: string | null },
): Promise<void> {
  await ex
    .updateTable("instance_revisions")
    .set({ outcome: outcome.outcome, outcome_reason: outcome.reason, settled_at: new Date().toISOString() })
    .where("instance_id", "=", instanceId)
    .where("revision", "=", outcome.revision)
    .execute();
}

/** Every revision of an instance, oldest first (history). */
export function listRevisions(ex: Executor, instanceId: string) {
  return ex
    .selectFrom("instance_revisions")
    .selectAll()
    .where("instance_id", "=", instanceId)
    .orderBy("revision")
    .execute();
}

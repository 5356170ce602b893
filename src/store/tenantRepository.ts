import type { Selectable } from "kysely";
import { AimsError } from "../domain/errors.js";
import { newId } from "../domain/names.js";
import { type Executor, isUniqueViolation } from "./database.js";
import type { TenantsTable } from "./schema.js";

export type TenantRow = Selectable<TenantsTable>;

/** The tenant with this name, or undefined. */
export function findTenantByName(ex: Executor, name: string): Promise<TenantRow | undefined> {
  return ex.selectFrom("tenants").selectAll().where("name", "=", name).executeTakeFirst();
}

/** The tenant with this id, or undefined. */
export function findTenantById(ex: Executor, id: string): Promise<TenantRow | undefined> {
  return ex.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Creates an active tenant on `plan`; a taken name is AimsError("conflict"). */
export async function insertTenant(ex: Executor, input: { name: string; plan: string }): Promise<TenantRow> {
  const now = new Date().toISOString();
  const row: TenantRow = {
    id: newId(),
    name: input.name,
    status: "active",
    plan: input.plan,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  // Looked up first, not after a failed insert: on PostgreSQL a failed statement aborts the transaction, so
  // nothing could be asked after it. Writes are serialised (the store's write lock), so the answer holds.
  const taken = await findTenantByName(ex, input.name);
  if (taken)
    throw new AimsError(
      "conflict",
      taken.status === "deleted"
        ? `tenant ${input.name} was deleted; its name stays with its history (\`aims events --tenant ${input.name}\`): choose another name`
        : `tenant ${input.name} already exists`,
    );
  try {
    await ex.insertInto("tenants").values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AimsError("conflict", `tenant ${input.name} already exists`);
    throw err;
  }
  return row;
}

/** Sets a tenant's status (`deleted` also stamps `deleted_at`); answers the row as it is now. */
export async function setTenantStatus(
  ex: Executor,
  id: string,
  status: TenantRow["status"],
): Promise<TenantRow> {
  const now = new Date().toISOString();
  return ex
    .updateTable("tenants")
    .set({ status, updated_at: now, ...(status === "deleted" ? { deleted_at: now } : {}) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** How many tenants, not deleted, the user is an owner of (what `tenantsPerUser` caps). */
export async function countOwnedTenants(ex: Executor, userId: string): Promise<number> {
  const row = await ex
    .selectFrom("members")
    .innerJoin("tenants", "tenants.id", "members.tenant_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("members.user_id", "=", userId)
    .where("members.role", "=", "owner")
    .where("tenants.status", "!=", "deleted")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every tenant, ordered by name. */
export function listTenants(ex: Executor): Promise<TenantRow[]> {
  return ex.selectFrom("tenants").selectAll().orderBy("name").execute();
}

/**
 * Takes the tenant's row lock for the rest of the transaction and answers the row as it is now: a quota check
 * made after it cannot race another change of the same tenant (two deploys for its last slot). On SQLite every
 * write transaction already holds the database's write lock (BEGIN IMMEDIATE); on PostgreSQL this UPDATE,
 * which changes nothing, holds the row until commit.
 */
export async function lockTenant(ex: Executor, id: string): Promise<TenantRow | undefined> {
  await ex
    .updateTable("tenants")
    .set((eb) => ({ updated_at: eb.ref("updated_at") }))
    .where("id", "=", id)
    .execute();
  return findTenantById(ex, id);
}

/** Moves a tenant to another plan. */
export async function setTenantPlan(ex: Executor, id: string, plan: string): Promise<void> {
  await ex
    .updateTable("tenants")
    .set({ plan, updated_at: new Date().toISOString() })
    .where("id", "=", id)
    .execute();
}

/**
 * Deletes who and what had access to a tenant (members, its keys, invitations) and its custom domains, and
 * removes its alert channels (giving up their pending deliveries), for its deletion; answers whose access went (to end their open streams) and how many invitations and domains.
 */
export async function deleteTenantAccess(ex: Executor, tenantId: string) {
  const members = (
    await ex.selectFrom("members").select("user_id").where("tenant_id", "=", tenantId).execute()
  ).map((m) => m.user_id);
  const keys = (await ex.selectFrom("api_keys").select("id").where("tenant_id", "=", tenantId).execute()).map(
    (k) => k.id,
  );
  await ex.deleteFrom("members").where("tenant_id", "=", tenantId).execute();
  await ex.deleteFrom("api_keys").where("tenant_id", "=", tenantId).execute();
  const invitations = await ex.deleteFrom("invitations").where("tenant_id", "=", tenantId).executeTakeFirst();
  const domains = await ex
    .deleteFrom("instance_domains")
    .where("tenant_id", "=", tenantId)
    .executeTakeFirst();
  // Its alert channels go with it: nothing more is sent on a deleted tenant's behalf.
  const now = new Date().toISOString();
  await ex
    .updateTable("alert_channels")
    .set({ removed_at: now })
    .where("tenant_id", "=", tenantId)
    .where("removed_at", "is", null)
    .execute();
  await ex
    .updateTable("alert_deliveries")
    .set({ status: "failed", last_error: "tenant deleted", updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("status", "=", "pending")
    .execute();
  return {
    members,
    keys,
    invitations: Number(invitations.numDeletedRows),
    domains: Number(domains.numDeletedRows),
  };
}

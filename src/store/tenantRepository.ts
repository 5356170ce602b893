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
  };
  try {
    await ex.insertInto("tenants").values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AimsError("conflict", `tenant ${input.name} already exists`);
    throw err;
  }
  return row;
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

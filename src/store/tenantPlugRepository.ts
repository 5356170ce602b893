import type { Insertable, Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { TenantPlugsTable } from "./schema.js";

export type TenantPlugRow = Selectable<TenantPlugsTable>;

/** The newest version of the tenant's plug `name` that is not removed, or undefined. */
export function findTenantPlug(
  ex: Executor,
  tenantId: string,
  name: string,
): Promise<TenantPlugRow | undefined> {
  return ex
    .selectFrom("tenant_plugs")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("name", "=", name)
    .where("removed_at", "is", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Every version of the tenant's plug `name` that is not removed, newest first. */
export function listTenantPlugVersions(
  ex: Executor,
  tenantId: string,
  name: string,
): Promise<TenantPlugRow[]> {
  return ex
    .selectFrom("tenant_plugs")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("name", "=", name)
    .where("removed_at", "is", null)
    .orderBy("version", "desc")
    .execute();
}

/** The newest live version of each of the tenant's plugs, by name. */
export async function listTenantPlugs(ex: Executor, tenantId: string): Promise<TenantPlugRow[]> {
  const rows = await ex
    .selectFrom("tenant_plugs")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("removed_at", "is", null)
    .orderBy("name")
    .orderBy("version", "desc")
    .execute();
  return rows.filter((row, i) => i === 0 || rows[i - 1]!.name !== row.name);
}

/** The next version number under `name`: one above every version ever imported, removed ones included. */
export async function nextTenantPlugVersion(ex: Executor, tenantId: string, name: string): Promise<number> {
  const row = await ex
    .selectFrom("tenant_plugs")
    .select((eb) => eb.fn.max("version").as("version"))
    .where("tenant_id", "=", tenantId)
    .where("name", "=", name)
    .executeTakeFirst();
  return Number(row?.version ?? 0) + 1;
}

export async function insertTenantPlug(ex: Executor, row: Insertable<TenantPlugsTable>): Promise<void> {
  await ex.insertInto("tenant_plugs").values(row).execute();
}

/** Marks every live version of the plug removed; returns how many were. */
export async function removeTenantPlug(
  ex: Executor,
  tenantId: string,
  name: string,
  at: string,
): Promise<number> {
  const result = await ex
    .updateTable("tenant_plugs")
    .set({ removed_at: at })
    .where("tenant_id", "=", tenantId)
    .where("name", "=", name)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks every live private plug of the tenant removed (the tenant is deleted); returns how many versions were. */
export async function removeAllTenantPlugs(ex: Executor, tenantId: string, at: string): Promise<number> {
  const result = await ex
    .updateTable("tenant_plugs")
    .set({ removed_at: at })
    .where("tenant_id", "=", tenantId)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

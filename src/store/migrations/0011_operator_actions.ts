import type { Kysely } from "kysely";

/**
 * Operator actions on tenants (issue "Plans and quotas"): suspend, resume, delete.
 *
 * - `instances.suspended_from`: desired, what an instance was meant to be (running, stopped, suspended) when its
 *   tenant was suspended, so resuming the tenant brings back exactly that; null while the tenant is not suspended.
 * - `tenants.deleted_at`: a deleted tenant keeps its row (status `deleted`): its events and audit entries, its
 *   removed instances and their revisions all name it by id, and `aims events --tenant` still finds it by name.
 *   The name stays taken, so the history read by that name is only ever this tenant's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("instances").addColumn("suspended_from", "text").execute();
  await db.schema.alterTable("tenants").addColumn("deleted_at", "text").execute();
}

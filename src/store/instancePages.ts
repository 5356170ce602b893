import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { InstanceRow } from "./instanceRepository.js";
import type { AllocationsTable } from "./schema.js";

type AllocationRow = Selectable<AllocationsTable>;

/** A page of active instances of some tenants (or all), ordered by id, with their port allocations. */
export async function listInstancePage(
  ex: Executor,
  filter: { tenantIds: string[] | "all"; afterId?: string; limit: number },
): Promise<{ rows: InstanceRow[]; allocations: AllocationRow[] }> {
  if (filter.tenantIds !== "all" && filter.tenantIds.length === 0) return { rows: [], allocations: [] };
  let query = ex.selectFrom("instances").selectAll().where("removed_at", "is", null);
  if (filter.tenantIds !== "all") query = query.where("tenant_id", "in", filter.tenantIds);
  if (filter.afterId !== undefined) query = query.where("id", ">", filter.afterId);
  const rows = await query.orderBy("id").limit(filter.limit).execute();
  const allocations = rows.length
    ? await ex
        .selectFrom("allocations")
        .selectAll()
        .where(
          "instance_id",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return { rows, allocations };
}

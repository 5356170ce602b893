import type { CatalogEntry } from "../catalog/loadCatalog.js";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { plugSchema } from "../domain/manifest.js";
import { findTenantPlug, type TenantPlugRow } from "../store/tenantPlugRepository.js";

/**
 * Where a private plug's spec says it came from: no directory (an imported plug builds nothing; its images come
 * from a registry or the host), but a marker naming the tenant's plug and version for people reading a spec.
 */
export function privatePlugSource(name: string, version: number): string {
  return `tenant-plug:${name}@${version}`;
}

/** A stored private plug version as a catalog entry: its manifest re-validated, so a row never bypasses the schema. */
export function privatePlugEntry(row: TenantPlugRow): CatalogEntry {
  const parsed = plugSchema.safeParse(JSON.parse(row.manifest));
  if (!parsed.success)
    throw new AimsError(
      "failed",
      `the stored plug ${row.name} version ${row.version} no longer passes validation`,
    );
  const source = privatePlugSource(row.name, row.version);
  return { plug: parsed.data, file: source, dir: source };
}

/**
 * The plug a tenant deploys by `id`: its own private plug (the newest version) when it has one by that name,
 * else the catalog's. Private plugs never take a catalog id, so the two never compete for a name.
 * @example const entry = await deployablePlug(p, tenant?.id, "shop");
 */
export async function deployablePlug(
  p: OperationContext,
  tenantId: string | undefined,
  id: string,
): Promise<CatalogEntry> {
  const row = tenantId ? await findTenantPlug(p.store.db, tenantId, id) : undefined;
  if (row) return privatePlugEntry(row);
  try {
    return p.catalog.get(id);
  } catch (err) {
    if (tenantId && err instanceof AimsError && err.code === "not_found")
      throw new AimsError("not_found", `${err.message}, or the tenant's own plugs (\`aims plug list\`)`);
    throw err;
  }
}

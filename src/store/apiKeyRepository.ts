import type { Selectable } from "kysely";
import type { Executor } from "./database.js";
import type { ApiKeysTable } from "./schema.js";

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** The key with this SHA-256 digest (revoked and expired ones included: the caller decides), or undefined. */
export function findApiKeyByDigest(ex: Executor, digest: string): Promise<ApiKeyRow | undefined> {
  return ex.selectFrom("api_keys").selectAll().where("digest", "=", digest).executeTakeFirst();
}

/** The key with this id, or undefined. */
export function findApiKeyById(ex: Executor, id: string): Promise<ApiKeyRow | undefined> {
  return ex.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Stores a key row (digest and prefix only). */
export async function insertApiKey(ex: Executor, row: ApiKeyRow): Promise<ApiKeyRow> {
  await ex.insertInto("api_keys").values(row).execute();
  return row;
}

/** Marks a key revoked (idempotent: an already revoked key keeps its first revocation time). */
export async function revokeApiKeyRow(ex: Executor, id: string): Promise<void> {
  await ex
    .updateTable("api_keys")
    .set({ revoked_at: new Date().toISOString() })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
}

/** An active (not revoked) operator key, if one exists. */
export function findActivePlatformKey(ex: Executor): Promise<ApiKeyRow | undefined> {
  return ex
    .selectFrom("api_keys")
    .selectAll()
    .where("platform_admin", "=", 1)
    .where("user_id", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

/** A page of keys, of one user or of one tenant, ordered by id. */
export function listApiKeys(
  ex: Executor,
  filter: { userId?: string; tenantId?: string },
  page: { afterId?: string; limit: number },
): Promise<ApiKeyRow[]> {
  let query = ex.selectFrom("api_keys").selectAll();
  if (filter.userId !== undefined) query = query.where("user_id", "=", filter.userId);
  if (filter.tenantId !== undefined) query = query.where("tenant_id", "=", filter.tenantId);
  if (page.afterId) query = query.where("id", ">", page.afterId);
  return query.orderBy("id").limit(page.limit).execute();
}

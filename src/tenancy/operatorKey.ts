import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OperationContext } from "../context.js";
import { newId } from "../domain/names.js";
import { findActivePlatformKey, insertApiKey, revokeApiKeyRow } from "../store/apiKeyRepository.js";
import { withTransaction } from "../store/database.js";
import { recordChange } from "../store/recordChange.js";
import { peopleChange } from "./change.js";
import { API_KEY_PREFIX, digestOf, displayPrefix, newSecret } from "./tokens.js";

/** Where the operator key is written (mode 0600), relative to the data dir. */
export const OPERATOR_KEY_FILE = "operator.key";

/**
 * Makes sure an operator (platform admin) key exists. On first start it creates one and writes it once to
 * `<dataDir>/operator.key` (mode 0600); the key itself is never logged. If the file is gone while the key is
 * still active, the old key is revoked and a new one written (the store only holds a digest, so it cannot be
 * shown again); delete the file and restart to rotate.
 */
export async function ensureOperatorKey(p: OperationContext): Promise<{ path: string; created: boolean }> {
  const path = join(p.config.dataDir, OPERATOR_KEY_FILE);
  const existing = await findActivePlatformKey(p.store.db);
  if (existing && existsSync(path)) return { path, created: false };
  const key = newSecret(API_KEY_PREFIX);
  const id = newId();
  await withTransaction(p.store.db, async (trx) => {
    if (existing) await revokeApiKeyRow(trx, existing.id);
    await insertApiKey(trx, {
      id,
      name: "operator",
      prefix: displayPrefix(key),
      digest: digestOf(key),
      user_id: null,
      tenant_id: null,
      role: null,
      scopes: null,
      platform_admin: 1,
      expires_at: null,
      revoked_at: null,
      last_used_at: null,
      created_by: "system",
      created_at: new Date().toISOString(),
    });
    await recordChange(
      trx,
      peopleChange(
        { actor: "system", source: "serve" },
        {
          event: "key.created",
          action: existing ? "operator_key.rotate" : "operator_key.create",
          target: `key/${id}`,
          tenantId: null,
          subject: id,
          data: {
            prefix: displayPrefix(key),
            kind: "operator",
            ...(existing ? { revoked: existing.id } : {}),
          },
        },
      ),
    );
  });
  // Written to a temporary name first and renamed, so a reader never sees half a key.
  const tmp = `${path}.${id}.tmp`;
  writeFileSync(tmp, `${key}\n`, { mode: 0o600, flag: "wx" });
  renameSync(tmp, path);
  p.logger.warn(
    { path },
    existing ? "operator key file was missing: rotated the operator key" : "created the operator key",
  );
  return { path, created: true };
}

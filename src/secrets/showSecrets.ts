import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { findInstance, listSecrets } from "../store/instanceRepository.js";
import { recordChange, withTransaction } from "../store/recordChange.js";
import { findTenantByName } from "../store/tenantRepository.js";
import { openSecret } from "./cipher.js";

/** One decrypted secret of an instance. */
export interface ShownSecret {
  key: string;
  origin: string;
  value: string;
}

/**
 * Decrypts an instance's secrets for whoever may see them in plain text, and records the view: an
 * `instance.secrets_viewed` event and an `instance.secrets.show` audit entry (the keys, never the
 * values) in one transaction; an instance without secrets records nothing. Asking for confirmation is the
 * entry's job; this only reads and records.
 *
 * It imports nothing of lifecycle/ (lifecycle/ imports secrets/, so that would be a folder cycle); it
 * opens with the additional data `<instance id>/<key>` that lifecycle/instanceSecrets.ts seals with,
 * and its test seals there and opens here so the two cannot drift apart.
 */
export async function showSecrets(
  ctx: Pick<OperationContext, "store" | "masterKey">,
  actor: { id: string; source: string },
  tenantName: string,
  name: string,
): Promise<ShownSecret[]> {
  const db = ctx.store.db;
  const tenant = await findTenantByName(db, tenantName);
  const instance = tenant ? await findInstance(db, tenant.id, name) : undefined;
  if (!tenant || !instance)
    throw new AimsError(
      "not_found",
      `no instance ${name} for tenant ${tenantName} (see \`aims ps --tenant ${tenantName}\`)`,
    );
  const rows = await listSecrets(db, instance.id);
  const shown = rows
    .map((r) => ({
      key: r.key,
      origin: r.origin,
      value: openSecret(ctx.masterKey, r.ciphertext, `${instance.id}/${r.key}`),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
  // Nothing to see is nothing shown: no view to record.
  if (!shown.length) return shown;
  const keys = shown.map((s) => s.key);
  await withTransaction(db, (trx) =>
    recordChange(trx, {
      event: {
        type: "instance.secrets_viewed",
        tenantId: tenant.id,
        subject: instance.id,
        data: { name: instance.name, keys },
      },
      audit: {
        actor: actor.id,
        source: actor.source,
        action: "instance.secrets.show",
        target: `instance/${tenant.name}/${instance.name}`,
        tenantId: tenant.id,
        result: "ok",
        data: { keys },
      },
    }),
  );
  return shown;
}

import { z } from "zod";
import { AimsError } from "../domain/errors.js";
import { nameSchema } from "../domain/names.js";
import type { Platform } from "../main.js";
import { releasePorts } from "../ports/portAllocator.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { deleteSecrets, findInstance, updateInstanceState } from "../store/instanceRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantByName } from "../store/tenantRepository.js";
import type { Actor } from "./actor.js";
import { instanceChange } from "./changeRecord.js";
import { parseInput } from "./deployInstance.js";
import { teardownInstance } from "./teardownInstance.js";

export const removeInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  keepVolumes: z.boolean().default(false),
});
export type RemoveInput = z.input<typeof removeInputSchema>;

/** Finds an active instance by tenant and name, or AimsError("not_found") (another tenant's instance looks the same as none). */
export async function requireInstance(p: Platform, tenantName: string, name: string) {
  const tenant = await findTenantByName(p.store.db, tenantName);
  const instance = tenant ? await findInstance(p.store.db, tenant.id, name) : undefined;
  if (!tenant || !instance)
    throw new AimsError(
      "not_found",
      `no instance ${name} for tenant ${tenantName} (see \`aims ps --tenant ${tenantName}\`)`,
    );
  return { tenant, instance };
}

/**
 * Decommissions an instance: marks it removing, removes its containers, network and (unless kept)
 * volumes, releases its ports and secrets, and marks it removed — each state change with its event.
 */
export async function removeInstance(p: Platform, raw: RemoveInput, actor: Actor, progress: ProgressSink) {
  const input = parseInput(removeInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  await p.driver.ping();
  await p.store.db.transaction().execute(async (trx) => {
    const spec = { ...(JSON.parse(instance.spec) as object), keepVolumes: input.keepVolumes };
    await updateInstanceState(trx, instance.id, {
      desired_state: "removed",
      observed_state: "removing",
      spec: JSON.stringify(spec),
    });
    await recordChange(
      trx,
      instanceChange(actor, tenant, instance, {
        event: "instance.removing",
        action: "instance.remove",
        data: { keepVolumes: input.keepVolumes },
      }),
    );
  });
  const removed = await teardownInstance(p, instance.id, { keepVolumes: input.keepVolumes }, progress);
  await p.store.db.transaction().execute(async (trx) => {
    await releasePorts(trx, instance.id);
    await deleteSecrets(trx, instance.id);
    await updateInstanceState(trx, instance.id, {
      observed_state: "removed",
      reason: null,
      removed_at: new Date().toISOString(),
    });
    await recordChange(
      trx,
      instanceChange(actor, tenant, instance, {
        event: "instance.removed",
        action: "instance.removed",
        data: removed,
      }),
    );
  });
  return { id: instance.id, tenant: tenant.name, name: instance.name, removed };
}

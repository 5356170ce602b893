import { z } from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { nameSchema } from "../domain/names.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { findInstance } from "../store/instanceRepository.js";
import { findTenantByName } from "../store/tenantRepository.js";
import type { Actor } from "./actor.js";
import { parseSpec } from "./instanceSpec.js";
import { parseInput } from "./parseInput.js";
import { requestChange } from "./requestChange.js";

export const removeInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  keepVolumes: z.boolean().default(false),
});
export type RemoveInput = z.input<typeof removeInputSchema>;

/** Finds an active instance by tenant and name, or AimsError("not_found") (another tenant's instance looks the same as none). */
export async function requireInstance(p: OperationContext, tenantName: string, name: string) {
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
 * Decommissions an instance: desired state `removed` (with an event and audit entry), then the
 * reconciler removes its containers, network and (unless kept) volumes and releases its ports and secrets.
 */
export async function removeInstance(
  p: OperationContext,
  raw: RemoveInput,
  actor: Actor,
  progress: ProgressSink,
) {
  const input = parseInput(removeInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  await p.checkEngine();
  const spec = { ...parseSpec(instance.spec), keepVolumes: input.keepVolumes };
  await requestChange(p, tenant, instance, actor, {
    patch: { desired_state: "removed", spec: JSON.stringify(spec) },
    event: "instance.remove_requested",
    action: "instance.remove",
    data: { keepVolumes: input.keepVolumes },
  });
  const row = await p.settleInstance(instance.id, progress);
  const removed = await p.store.db
    .selectFrom("events")
    .select("data")
    .where("subject", "=", instance.id)
    .where("type", "=", "instance.removed")
    .orderBy("seq", "desc")
    .executeTakeFirst();
  const counts = removed
    ? (JSON.parse(removed.data) as { containers: number; networks: number; volumes: number })
    : { containers: 0, networks: 0, volumes: 0 };
  return {
    id: row.id,
    tenant: tenant.name,
    name: row.name,
    removed: { containers: counts.containers, networks: counts.networks, volumes: counts.volumes },
  };
}

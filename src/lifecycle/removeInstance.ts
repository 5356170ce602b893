import * as z from "zod";
import type { OperationContext } from "../context.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { nameSchema } from "../domain/names.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { Actor } from "./actor.js";
import { parseInput } from "./parseInput.js";
import { requestChange } from "./requestChange.js";
import { requireInstance } from "./requireInstance.js";

export const removeInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  keepVolumes: z.boolean().default(false),
});
export type RemoveInput = z.input<typeof removeInputSchema>;

/**
 * Decommissions an instance: desired state `removed` (with an event and audit entry), then the
 * reconciler removes its containers, network and (unless kept) volumes, the kept volumes it reattached
 * included, and releases its ports and secrets. Kept volumes become `aims volumes` objects (`kept`: their ids).
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
    ? (JSON.parse(removed.data) as { containers: number; networks: number; volumes: number; kept?: string[] })
    : { containers: 0, networks: 0, volumes: 0 };
  return {
    id: row.id,
    tenant: tenant.name,
    name: row.name,
    removed: { containers: counts.containers, networks: counts.networks, volumes: counts.volumes },
    kept: counts.kept ?? [],
  };
}

import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { nameSchema } from "../domain/names.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { findInstanceById } from "../store/instanceRepository.js";
import { listKeptVolumes, requestKeptVolumeRemoval } from "../store/keptVolumeRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantByName } from "../store/tenantRepository.js";
import type { Actor } from "./actor.js";
import { parseInput } from "./parseInput.js";

export const removeKeptVolumeInputSchema = z.object({
  tenant: nameSchema,
  id: z.string().min(1, "name a kept volume by id (see `aims volumes list`)").max(100),
});
export type RemoveKeptVolumeInput = z.input<typeof removeKeptVolumeInputSchema>;

/**
 * Removes a kept volume and its data: records the removal as asked (desired, with an event and audit
 * entry), then the reconciler removes the Docker volume. An attached volume goes with its instance instead.
 */
export async function removeKeptVolume(
  p: OperationContext,
  raw: RemoveKeptVolumeInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<{ id: string; tenant: string; dockerVolume: string }> {
  const input = parseInput(removeKeptVolumeInputSchema, raw);
  const tenant = await findTenantByName(p.store.db, input.tenant);
  const row = tenant
    ? (await listKeptVolumes(p.store.db, tenant.id)).find((r) => r.id === input.id.toUpperCase())
    : undefined;
  if (!tenant || !row)
    throw new AimsError(
      "not_found",
      `no kept volume ${input.id} in tenant ${input.tenant} (see \`aims volumes list --tenant ${input.tenant}\`)`,
    );
  if (row.reattached_to) {
    const by = await findInstanceById(p.store.db, tenant.id, row.reattached_to);
    throw new AimsError(
      "conflict",
      `kept volume ${row.id} is attached to instance ${by?.name ?? row.reattached_to}: it is removed with that instance (\`aims rm ${by?.name ?? ""} --tenant ${tenant.name}\`)`,
    );
  }
  await p.checkEngine();
  if (!row.remove_requested_at) {
    await p.store.db.transaction().execute(async (trx) => {
      if (!(await requestKeptVolumeRemoval(trx, row.id, new Date().toISOString())))
        throw new AimsError("conflict", `kept volume ${row.id} changed meanwhile; see \`aims volumes list\``);
      const data = { volume: row.docker_volume, from: row.instance_name };
      await recordChange(trx, {
        event: { type: "volume.remove_requested", tenantId: tenant.id, subject: row.id, data },
        audit: {
          actor: actor.id,
          source: actor.source,
          action: "volume.remove",
          target: `volume/${tenant.name}/${row.id}`,
          tenantId: tenant.id,
          result: "ok",
          data,
        },
      });
    });
  }
  await p.settleKeptVolume(row.id, progress);
  return { id: row.id, tenant: tenant.name, dockerVolume: row.docker_volume };
}

import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { nameSchema } from "../domain/names.js";
import { findInstanceById } from "../store/instanceRepository.js";
import {
  type KeptVolumeRow,
  keptSecrets,
  listKeptVolumes as listRows,
} from "../store/keptVolumeRepository.js";
import { findTenantByName } from "../store/tenantRepository.js";
import { parseInput } from "./parseInput.js";

export const keptVolumesInputSchema = z.object({ tenant: nameSchema });
export type KeptVolumesInput = z.input<typeof keptVolumesInputSchema>;

/** A kept volume as `aims volumes list` shows it. Secrets by name only. */
export interface KeptVolumeView {
  id: string;
  tenant: string;
  plug: string;
  service: string;
  volume: string;
  path: string;
  dockerVolume: string;
  keptFrom: { id: string; name: string };
  keptAt: string;
  /** Names of the secrets recorded with it (reused by `deploy --reuse-volumes`); null when not recorded. */
  secrets: string[] | null;
  /** `kept`: waits for a deploy to reuse it; `attached`: an instance mounts it; `removing`: `volumes rm` asked. */
  state: "kept" | "attached" | "removing";
  attachedTo: string | null;
}

/** A tenant's kept volumes (waiting, attached or being removed), oldest first; an unknown tenant is not_found. */
export async function listKeptVolumes(p: OperationContext, raw: KeptVolumesInput): Promise<KeptVolumeView[]> {
  const input = parseInput(keptVolumesInputSchema, raw);
  const tenant = await findTenantByName(p.store.db, input.tenant);
  if (!tenant) throw new AimsError("not_found", `no tenant ${input.tenant}`);
  const rows = await listRows(p.store.db, tenant.id);
  return Promise.all(rows.map((r) => keptVolumeView(p, tenant, r)));
}

/** One kept volume's view. */
export async function keptVolumeView(
  p: OperationContext,
  tenant: { id: string; name: string },
  row: KeptVolumeRow,
): Promise<KeptVolumeView> {
  const attached = row.reattached_to
    ? await findInstanceById(p.store.db, tenant.id, row.reattached_to)
    : undefined;
  return {
    id: row.id,
    tenant: tenant.name,
    plug: row.plug_id,
    service: row.service,
    volume: row.volume,
    path: row.path,
    dockerVolume: row.docker_volume,
    keptFrom: { id: row.instance_id, name: row.instance_name },
    keptAt: row.kept_at,
    secrets: keptSecrets(row)?.map((s) => s.key) ?? null,
    state: row.remove_requested_at ? "removing" : row.reattached_to ? "attached" : "kept",
    attachedTo: attached?.name ?? row.reattached_to,
  };
}

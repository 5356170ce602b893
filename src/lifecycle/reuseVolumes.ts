import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import type { Plug } from "../domain/manifest.js";
import { findInstanceById } from "../store/instanceRepository.js";
import { type KeptVolumeRow, keptSecrets, listKeptVolumes } from "../store/keptVolumeRepository.js";
import { openAll } from "./instanceSecrets.js";

type Secret = { key: string; value: string; origin: "generated" | "input" };

/** Kept volumes a deploy mounts instead of new ones, and the secrets their data was written with (plaintext). */
export interface Reuse {
  volumes: KeptVolumeRow[];
  secrets: Map<string, Secret>;
}

export const noReuse: Reuse = { volumes: [], secrets: new Map() };

/**
 * Resolves `--reuse-volumes` (kept-volume ids, or the name of the instance they were kept from) in a
 * tenant and checks each can be reused by `plug`: it exists in this tenant, holds data of the same plug,
 * names a volume the manifest has, waits (not attached, no removal asked; `attachedTo` allows the
 * instance a re-run of the same deploy attached it to), one per volume, all written with the same secrets.
 */
export async function resolveReuse(
  p: OperationContext,
  tenant: { id: string; name: string } | undefined,
  tenantName: string,
  plug: Plug,
  refs: string[],
  attachedTo?: string,
): Promise<Reuse> {
  if (!refs.length) return noReuse;
  const live = tenant ? await listKeptVolumes(p.store.db, tenant.id) : [];
  const chosen = new Map<string, KeptVolumeRow>();
  for (const ref of refs) for (const row of matching(live, ref, tenantName)) chosen.set(row.id, row);
  const volumes = [...chosen.values()];
  const byVolume = new Map<string, string>();
  for (const row of volumes) {
    if (row.plug_id !== plug.id)
      throw new AimsError(
        "invalid_input",
        `kept volume ${row.id} holds data of plug ${row.plug_id}, not ${plug.id}: it cannot be reused by this deploy`,
      );
    const svc = plug.services.find((s) => s.name === row.service);
    if (!row.path || !svc?.volumes.some((v) => v.name === row.volume))
      throw new AimsError(
        "invalid_input",
        `kept volume ${row.id} is ${row.service}/${row.volume}, a volume ${plug.id} ${plug.version} does not have`,
      );
    await assertWaiting(p, row, tenant!.id, attachedTo);
    const key = `${row.service}/${row.volume}`;
    const other = byVolume.get(key);
    if (other)
      throw new AimsError(
        "invalid_input",
        `kept volumes ${other} and ${row.id} are both ${key}: reuse one of them`,
      );
    byVolume.set(key, row.id);
  }
  return { volumes, secrets: secretsOf(p, volumes) };
}

/** Rows a reference names: a kept-volume id, or every live kept volume of the instance name it came from. */
function matching(live: KeptVolumeRow[], ref: string, tenantName: string): KeptVolumeRow[] {
  const byId = live.filter((r) => r.id === ref.toUpperCase());
  if (byId.length) return byId;
  const byName = live.filter((r) => r.instance_name === ref);
  const sources = new Set(byName.map((r) => r.instance_id));
  if (sources.size > 1)
    throw new AimsError(
      "invalid_input",
      `volumes were kept from more than one instance named ${ref} (${byName.map((r) => r.id).join(", ")}): name them by id`,
    );
  if (!byName.length)
    throw new AimsError(
      "not_found",
      `no kept volume ${ref} in tenant ${tenantName} (see \`aims volumes list --tenant ${tenantName}\`)`,
    );
  return byName;
}

async function assertWaiting(
  p: OperationContext,
  row: KeptVolumeRow,
  tenantId: string,
  attachedTo: string | undefined,
): Promise<void> {
  if (row.remove_requested_at)
    throw new AimsError("conflict", `kept volume ${row.id} is being removed (\`aims volumes rm\`)`);
  if (row.reattached_to && row.reattached_to !== attachedTo) {
    const by = await findInstanceById(p.store.db, tenantId, row.reattached_to);
    throw new AimsError(
      "conflict",
      `kept volume ${row.id} is already attached to instance ${by?.name ?? row.reattached_to}; remove that instance first`,
    );
  }
}

/** Opens the kept volumes' secrets (sealed for the instance they came from); two volumes must agree on each key. */
function secretsOf(p: OperationContext, volumes: KeptVolumeRow[]): Map<string, Secret> {
  const out = new Map<string, Secret & { from: string }>();
  for (const row of volumes) {
    const sealed = keptSecrets(row) ?? [];
    const values = openAll(p.masterKey, row.instance_id, sealed);
    for (const s of sealed) {
      const seen = out.get(s.key);
      if (seen && seen.value !== values[s.key])
        throw new AimsError(
          "invalid_input",
          `kept volumes ${seen.from} and ${row.id} were written with different ${s.key} values: reuse volumes kept from one instance`,
        );
      out.set(s.key, { key: s.key, value: values[s.key]!, origin: s.origin, from: row.id });
    }
  }
  return new Map([...out].map(([k, { from: _from, ...s }]) => [k, s]));
}

/**
 * The secrets of a new instance that reuses kept volumes: a kept value replaces the generated one (the
 * data was written with it) and fills a secret input nobody answered; an answer given now wins.
 */
export function withKeptSecrets(plug: Plug, fresh: Secret[], reuse: Reuse, answered: Set<string>): Secret[] {
  const own = new Set([
    ...plug.secrets.map((s) => s.key),
    ...plug.inputs.filter((i) => i.type === "secret").map((i) => i.key),
  ]);
  const merged = new Map(fresh.map((s) => [s.key, s]));
  for (const [key, kept] of reuse.secrets) if (own.has(key) && !answered.has(key)) merged.set(key, kept);
  return [...merged.values()];
}

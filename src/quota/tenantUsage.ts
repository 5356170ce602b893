import { instanceFootprint, replicasOf, type SpecShape } from "../domain/footprint.js";
import type { HostLoad } from "../domain/hostCapacity.js";
import type { InstanceUse, TenantUsage } from "../domain/quota.js";
import type { Executor } from "../store/database.js";

/**
 * An instance as quotas count it, from its spec and desired state. Only a desired state of `running` counts
 * toward CPU, memory and pids: a stopped or suspended instance holds no running container, and starting it
 * again is checked like any growth. Its volumes count whatever its state (the data is kept).
 */
export function instanceUse(name: string, spec: SpecShape, running: boolean): InstanceUse {
  return { name, running, footprint: instanceFootprint(spec), replicas: replicasOf(spec) };
}

/**
 * What a tenant holds now: every instance not removed (nor being removed), whatever its state, and its kept
 * volumes that wait (not reattached, no removal asked). Reads the stored specs as they are: they were
 * validated when written, and only the limits, replicas and volumes are read here.
 */
export async function readTenantUsage(
  ex: Executor,
  tenant: { id: string; name: string },
): Promise<TenantUsage> {
  const [rows, kept] = await Promise.all([
    ex
      .selectFrom("instances")
      .select(["name", "desired_state", "spec"])
      .where("tenant_id", "=", tenant.id)
      .where("removed_at", "is", null)
      .where("desired_state", "!=", "removed")
      .orderBy("name")
      .execute(),
    ex
      .selectFrom("kept_volumes")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("tenant_id", "=", tenant.id)
      .where("removed_at", "is", null)
      .where("reattached_to", "is", null)
      .where("remove_requested_at", "is", null)
      .executeTakeFirst(),
  ]);
  return {
    tenant: tenant.name,
    instances: rows.map((r) =>
      instanceUse(r.name, JSON.parse(r.spec) as SpecShape, r.desired_state === "running"),
    ),
    keptVolumes: Number(kept?.n ?? 0),
  };
}

/** What every instance meant to run on this install, of every tenant, is given: the host's load. */
export async function readHostLoad(ex: Executor): Promise<HostLoad> {
  const rows = await ex
    .selectFrom("instances")
    .select("spec")
    .where("removed_at", "is", null)
    .where("desired_state", "=", "running")
    .execute();
  let cpu = 0;
  let memory = 0;
  for (const r of rows) {
    const f = instanceFootprint(JSON.parse(r.spec) as SpecShape);
    cpu += f.cpu;
    memory += f.memory;
  }
  return { cpu: Math.round(cpu * 1e6) / 1e6, memory };
}

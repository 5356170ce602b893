import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { instanceChange } from "../lifecycle/changeRecord.js";
import { parseInput } from "../lifecycle/parseInput.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { withTransaction } from "../store/database.js";
import { type InstanceRow, listInstances, updateInstanceState } from "../store/instanceRepository.js";
import { listKeptVolumes, requestKeptVolumeRemoval } from "../store/keptVolumeRepository.js";
import { recordChange } from "../store/recordChange.js";
import { removeAllTenantPlugs } from "../store/tenantPlugRepository.js";
import {
  deleteTenantAccess,
  findTenantById,
  setTenantStatus,
  type TenantRow,
} from "../store/tenantRepository.js";
import { peopleChange } from "./change.js";
import { actorOf, type Caller, requireTenantForOperator } from "./principal.js";
import { errorText, settleInstances } from "./settleInstances.js";
import { type DeleteTenantInput, deleteTenantInput } from "./tenantInput.js";

/** What deleting a tenant removed. */
export interface TenantDeletion {
  id: string;
  tenant: string;
  /** Instances removed (`--force`), with their Docker objects. */
  instances: string[];
  removed: { containers: number; networks: number; volumes: number };
  /** Kept volumes removed, by id. */
  keptVolumes: string[];
  members: number;
  keys: number;
  invitations: number;
  domains: number;
}

/**
 * Deletes a tenant (operator only). With instances left it is refused (409, naming them) unless `force`, which
 * first suspends the tenant (so nothing new is deployed meanwhile) and removes every instance and its volumes
 * through the reconciler. Then its kept volumes are removed (Docker volumes too), and in one transaction its
 * members, keys, invitations and custom domains go and the tenant becomes `deleted`. The row stays: events,
 * audit entries and removed instances name it by id, so `aims events --tenant` and the audit log still show its
 * history; its name stays taken for that reason.
 */
export async function deleteTenant(
  p: OperationContext,
  caller: Caller,
  raw: DeleteTenantInput,
  progress: ProgressSink,
): Promise<TenantDeletion> {
  const input = parseInput(deleteTenantInput, raw);
  const found = await requireTenantForOperator(p.store.db, caller.principal, input.tenant, "delete a tenant");
  if (found.status === "deleted")
    throw new AimsError("not_found", `tenant ${found.name} was deleted already (${found.deleted_at})`);
  const live = await listInstances(p.store.db, { tenantId: found.id });
  if (live.length && !input.force) throw instancesLeft(found.name, live);
  const kept = await listKeptVolumes(p.store.db, found.id);
  if (live.length || kept.length) await p.checkEngine();

  const gone = live.length ? await removeInstances(p, caller, found, progress) : [];
  const removed = await removedCounts(
    p,
    gone.map((r) => r.id),
  );
  const keptIds = await removeKeptVolumes(p, caller, found, progress);

  const access = await withTransaction(p.store.db, async (trx) => {
    const current = await findTenantById(trx, found.id);
    if (!current || current.status === "deleted")
      throw new AimsError("not_found", `tenant ${found.name} was deleted meanwhile`);
    const still = await listInstances(trx, { tenantId: current.id });
    if (still.length) throw instancesLeft(current.name, still);
    if ((await listKeptVolumes(trx, current.id)).length)
      throw new AimsError(
        "conflict",
        `kept volumes of tenant ${current.name} changed meanwhile; run \`aims tenant delete ${current.name}\` again`,
      );
    const revoked = await deleteTenantAccess(trx, current.id);
    const privatePlugs = await removeAllTenantPlugs(trx, current.id, new Date().toISOString());
    await setTenantStatus(trx, current.id, "deleted");
    const data = {
      instances: gone.length,
      keptVolumes: keptIds.length,
      members: revoked.members.length,
      keys: revoked.keys.length,
      invitations: revoked.invitations,
      domains: revoked.domains,
      ...(privatePlugs ? { privatePlugVersions: privatePlugs } : {}),
    };
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "tenant.deleted",
        action: "tenant.delete",
        target: `tenant/${current.name}`,
        tenantId: current.id,
        subject: current.name,
        data,
      }),
    );
    return revoked;
  });
  // Open streams of the people and keys that had access end now, not at their next heartbeat.
  for (const userId of access.members) await p.accessChanges.publish({ userId });
  for (const keyId of access.keys) await p.accessChanges.publish({ keyId });
  p.requestProxySync();
  return {
    id: found.id,
    tenant: found.name,
    instances: gone.map((r) => r.name),
    removed,
    keptVolumes: keptIds,
    members: access.members.length,
    keys: access.keys.length,
    invitations: access.invitations,
    domains: access.domains,
  };
}

function instancesLeft(tenant: string, rows: InstanceRow[]): AimsError {
  const names = rows.map((r) => r.name).join(", ");
  return new AimsError(
    "conflict",
    `tenant ${tenant} still has ${rows.length} instance(s): ${names}; remove them first (\`aims rm <instance> --tenant ${tenant}\`), or \`aims tenant delete ${tenant} --force\` removes them with their volumes`,
  );
}

/** `force`: suspends the tenant and asks for every instance's removal, volumes included; waits until they are gone. */
async function removeInstances(
  p: OperationContext,
  caller: Caller,
  found: TenantRow,
  progress: ProgressSink,
): Promise<Array<{ id: string; name: string }>> {
  const actor = actorOf(caller);
  const rows = await withTransaction(p.store.db, async (trx) => {
    const current = await findTenantById(trx, found.id);
    if (!current || current.status === "deleted")
      throw new AimsError("not_found", `tenant ${found.name} was deleted meanwhile`);
    const rows = await listInstances(trx, { tenantId: current.id });
    if (current.status === "active") await setTenantStatus(trx, current.id, "suspended");
    await recordChange(
      trx,
      peopleChange(caller, {
        event: "tenant.delete_requested",
        action: "tenant.delete.force",
        target: `tenant/${current.name}`,
        tenantId: current.id,
        subject: current.name,
        data: { instances: rows.map((r) => r.name) },
      }),
    );
    for (const row of rows) {
      const spec = { ...parseSpec(row.spec), keepVolumes: false };
      await updateInstanceState(trx, row.id, { desired_state: "removed", spec: JSON.stringify(spec) });
      await recordChange(
        trx,
        instanceChange(actor, current, row, {
          event: "instance.remove_requested",
          action: "instance.remove",
          data: { keepVolumes: false, tenantDeleted: true },
        }),
      );
    }
    return rows;
  });
  p.requestProxySync();
  progress(`removing ${rows.length} instance(s) of tenant ${found.name} and their volumes`);
  const outcomes = await settleInstances(
    p,
    rows.map((r) => r.id),
    progress,
  );
  const failed = outcomes.flatMap((o) => ("error" in o ? [errorText(o.error)] : []));
  if (failed.length)
    throw new AimsError(
      "failed",
      `could not remove every instance of tenant ${found.name} (${failed.join("; ")}); it stays suspended: run \`aims tenant delete ${found.name} --force\` again`,
    );
  return rows.map((r) => ({ id: r.id, name: r.name }));
}

/** Containers, networks and volumes the removals took, from their `instance.removed` events. */
async function removedCounts(p: OperationContext, ids: string[]) {
  const total = { containers: 0, networks: 0, volumes: 0 };
  if (!ids.length) return total;
  const events = await p.store.db
    .selectFrom("events")
    .select("data")
    .where("type", "=", "instance.removed")
    .where("subject", "in", ids)
    .execute();
  for (const e of events) {
    const d = JSON.parse(e.data) as Partial<typeof total>;
    total.containers += d.containers ?? 0;
    total.networks += d.networks ?? 0;
    total.volumes += d.volumes ?? 0;
  }
  return total;
}

/** Asks for the removal of every kept volume of the tenant (event + audit each) and waits until they are gone. */
async function removeKeptVolumes(
  p: OperationContext,
  caller: Caller,
  tenant: TenantRow,
  progress: ProgressSink,
): Promise<string[]> {
  const rows = await listKeptVolumes(p.store.db, tenant.id);
  if (!rows.length) return [];
  await withTransaction(p.store.db, async (trx) => {
    const at = new Date().toISOString();
    for (const row of rows) {
      if (row.remove_requested_at) continue;
      if (!(await requestKeptVolumeRemoval(trx, row.id, at)))
        throw new AimsError(
          "conflict",
          `kept volume ${row.id} changed meanwhile; run \`aims tenant delete ${tenant.name}\` again`,
        );
      const data = { volume: row.docker_volume, from: row.instance_name, tenantDeleted: true };
      await recordChange(
        trx,
        peopleChange(caller, {
          event: "volume.remove_requested",
          action: "volume.remove",
          target: `volume/${tenant.name}/${row.id}`,
          tenantId: tenant.id,
          subject: row.id,
          data,
        }),
      );
    }
  });
  progress(`removing ${rows.length} kept volume(s) of tenant ${tenant.name}`);
  for (const row of rows) await p.settleKeptVolume(row.id, progress);
  return rows.map((r) => r.id);
}

import type { ReconcilerContext } from "../context.js";
import type { ResourceWindow } from "../domain/alerts.js";
import { LABEL } from "../runtime/RuntimeDriver.js";
import { type InstanceRow, listInstances } from "../store/instanceRepository.js";
import { withLease } from "../store/leases.js";
import { listTenants } from "../store/tenantRepository.js";
import { type OutboxHandle, startOutbox } from "./deliverOutbox.js";
import { evaluateAlerts } from "./evaluateAlerts.js";
import { ZombieWatch } from "./zombieWatch.js";

/**
 * Reads the recent resource use of the instances (by instance id) for the CPU, memory and volume rules: the
 * samples reader, one batched read per pass. An instance it has no window for skips those rules.
 */
export type ResourceReader = (
  rows: InstanceRow[],
  now: number,
) => Promise<ReadonlyMap<string, ResourceWindow>>;

export interface AlertLoop {
  /** One pass, run by the reconciler loop after each tick: probe, restart zombies, evaluate, wake the outbox. */
  afterTick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The alerts part of `aims serve`'s reconciler loop and its delivery outbox. Without `resources` (no samples
 * reader wired) the CPU, memory and volume rules are not evaluated; every other rule is.
 */
export function startAlertLoop(
  p: ReconcilerContext,
  options: { resources?: ResourceReader } = {},
): AlertLoop {
  const zombies = new ZombieWatch();
  const outbox: OutboxHandle = startOutbox(p);
  const pass = async () => {
    const { containers } = await p.runtime.listManaged({ [LABEL.installation]: p.store.installationId });
    const rows = await listInstances(p.store.db, {});
    const tenants = new Map((await listTenants(p.store.db)).map((t) => [t.id, t.name]));
    const now = Date.now();
    await zombies.probe(p, rows, tenants, containers, now);
    const silent = new Map(rows.map((r) => [r.id, zombies.silent(r.id, containers, now)]));
    const windows = options.resources ? await options.resources(rows, now) : undefined;
    const result = await evaluateAlerts(p, rows, tenants, (row) => {
      const resources = windows?.get(row.id);
      return { silentContainers: silent.get(row.id) ?? [], ...(resources ? { resources } : {}) };
    });
    for (const row of rows) {
      if (row.observed_state !== "ready" || row.desired_state !== "running") continue;
      for (const z of silent.get(row.id) ?? [])
        if (z.silentMs >= p.config.alerts.zombieAfterMs)
          await zombies.restart(p, row, tenants.get(row.tenant_id) ?? "?", z);
    }
    if (result.fired || result.resolved) outbox.wake();
  };
  return {
    async afterTick() {
      try {
        await withLease(p.store.db, "alerts", pass);
      } catch (err) {
        p.logger.warn({ err: (err as Error).message }, "alert evaluation failed; retrying next tick");
      }
    },
    stop: () => outbox.stop(),
  };
}

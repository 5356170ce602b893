import pLimit from "p-limit";
import type { ReconcilerContext } from "../context.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { networkName, objectPrefix } from "../domain/objectNames.js";
import { instanceChange } from "../lifecycle/changeRecord.js";
import { probeHealth } from "../lifecycle/probeHealth.js";
import { RECONCILER } from "../lifecycle/transition.js";
import { type ContainerState, LABEL } from "../runtime/RuntimeDriver.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import { recordChange, withTransaction } from "../store/recordChange.js";

/** A running container whose health check has not answered, and for how long. */
export interface SilentContainer {
  id: string;
  container: string;
  silentMs: number;
}

/**
 * Zombie detection: the health checks of ready instances' running containers, probed every
 * `alerts.healthProbeIntervalMs`, remembering when each last answered (in this process: after a restart of
 * `aims serve` each container's clock starts again, so a zombie is found at most one window late, never early).
 */
export class ZombieWatch {
  private readonly lastAnswer = new Map<string, number>();
  private lastProbe = 0;

  /** Probes when due; containers that are gone are forgotten. */
  async probe(
    p: ReconcilerContext,
    rows: InstanceRow[],
    tenants: Map<string, string>,
    containers: ContainerState[],
    now: number,
  ): Promise<void> {
    const live = new Set(containers.map((c) => c.id));
    for (const id of this.lastAnswer.keys()) if (!live.has(id)) this.lastAnswer.delete(id);
    if (now - this.lastProbe < p.config.alerts.healthProbeIntervalMs) return;
    this.lastProbe = now;
    // Bounded like the reconciler's own work: a command check is an exec in the container.
    const limit = pLimit(8);
    const probes: Promise<void>[] = [];
    for (const row of rows) {
      if (row.desired_state !== "running" || row.observed_state !== "ready") continue;
      const spec = parseSpec(row.spec);
      // The network it runs on: a claimed warm-pool network, or its own named after it.
      const network =
        row.network ??
        networkName(objectPrefix(p.store.installationId, tenants.get(row.tenant_id) ?? "?", row.name));
      for (const c of containers) {
        if (c.labels[LABEL.instance] !== row.id || !c.running) continue;
        const check = spec.plug.services.find((s) => s.name === c.labels[LABEL.service])?.health;
        const address = c.ipAddresses[network];
        if (!check) continue;
        if (!this.lastAnswer.has(c.id)) this.lastAnswer.set(c.id, now);
        if (!address) continue;
        probes.push(
          limit(async () => {
            const r = await probeHealth(p.runtime, c.id, address, check, p.config.health.probeTimeoutMs);
            if (r.ok) this.lastAnswer.set(c.id, Date.now());
          }),
        );
      }
    }
    await Promise.all(probes);
  }

  /** The containers of an instance that have not answered for a while. */
  silent(instanceId: string, containers: ContainerState[], now: number): SilentContainer[] {
    return containers
      .filter((c) => c.labels[LABEL.instance] === instanceId && c.running && this.lastAnswer.has(c.id))
      .map((c) => ({ id: c.id, container: c.name, silentMs: now - (this.lastAnswer.get(c.id) ?? now) }))
      .filter((c) => c.silentMs > 0);
  }

  /**
   * Drains and restarts a zombie: an event first (with how long it was silent), then the container is stopped
   * with its grace period (in-flight requests finish) and removed; the reconciler's next pass recreates it and
   * health-gates it like any missing container.
   */
  async restart(
    p: ReconcilerContext,
    row: InstanceRow,
    tenantName: string,
    zombie: SilentContainer,
  ): Promise<void> {
    await withTransaction(p.store.db, (trx) =>
      recordChange(
        trx,
        instanceChange(RECONCILER, { id: row.tenant_id, name: tenantName }, row, {
          event: "instance.zombie_restarted",
          action: "instance.zombie_restarted",
          data: {
            container: zombie.container,
            silentSeconds: Math.round(zombie.silentMs / 1000),
            reason: `health check silent for ${Math.round(zombie.silentMs / 1000)} s while the container ran`,
          },
        }),
      ),
    );
    p.logger.warn(
      { tenant: tenantName, instance: row.name, container: zombie.container },
      "zombie restarted",
    );
    this.lastAnswer.delete(zombie.id);
    await p.runtime.stopContainer(zombie.id, 10);
    await p.runtime.removeContainer(zombie.id);
    p.requestProxySync();
  }
}

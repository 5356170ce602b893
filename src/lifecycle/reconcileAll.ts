import pLimit from "p-limit";
import type { ReconcilerContext } from "../context.js";
import { readSpecShape } from "../domain/instanceSpec.js";
import {
  type ContainerState,
  LABEL,
  type ObjectSummary,
  type ProgressSink,
} from "../runtime/RuntimeDriver.js";
import { type InstanceRow, listInstances } from "../store/instanceRepository.js";
import { withLease } from "../store/leases.js";
import { listTenants } from "../store/tenantRepository.js";
import { adoptKeptVolumes } from "./adoptKeptVolumes.js";
import { driveInstance, instanceLease } from "./driveInstance.js";
import { type PoolReport, readNetworkPool, tendNetworkPool } from "./networkPool.js";
import { expectedContainerNames, findOrphans, needsWork } from "./planTick.js";
import { reconcileInstance } from "./reconcileInstance.js";
import { removeRequestedVolumes } from "./reconcileKeptVolume.js";

export interface TickReport {
  instances: number;
  acted: string[];
  orphans: { containers: number; networks: number; volumes: number };
  releasedAllocations: number;
  /** Volumes kept by an earlier release adopted as kept volumes, and kept volumes removed as asked. */
  keptVolumes: { adopted: number; removed: number };
  /** Warm-pool networks made and removed. */
  networkPool: PoolReport;
  /** Earliest time an instance asked to be looked at again (restart backoff). */
  nextRetryAt?: number;
  durationMs: number;
}

/**
 * One reconcile pass over the whole install: list the engine's objects (one call), then the store's
 * instances, remove orphans, release ports nothing owns, and reconcile every instance that needs it
 * (bounded concurrency, each under its lease). Objects are listed before instances: an object seen
 * always belongs to a row already committed, so a deploy in flight is never mistaken for an orphan.
 */
export interface TickOptions {
  /** `wait`: drive each instance until it settles (CLI); `once`: one pass each; `detach`: start jobs and return (daemon). */
  mode?: "wait" | "once" | "detach";
  /** Instances with a job running (detach mode): skipped, never worked on twice at once. */
  inFlight?: Set<string>;
  /** Called when a detached job ends, with the time it asked to be looked at again. */
  onJobDone?: (retryAt?: number) => void;
}

export async function reconcileAll(
  p: ReconcilerContext,
  progress: ProgressSink,
  options: TickOptions = {},
): Promise<TickReport> {
  const mode = options.mode ?? "once";
  const started = performance.now();
  // So is the host firewall: its rules come back (a firewall reload or a host reboot drops them) before any
  // container starts. The proxy: running with the store's routes (restarted if it died). Both are put right
  // while the engine lists this install's objects, and both are done before anything below acts.
  const [, objects] = await Promise.all([
    Promise.all([p.firewall.ensure(), p.proxy.ensure()]),
    p.runtime.listManaged({ [LABEL.installation]: p.store.installationId }),
  ]);
  const rows = await listInstances(p.store.db, {});
  const tenants = new Map((await listTenants(p.store.db)).map((t) => [t.id, t.name]));
  const kept = await adoptKeptVolumes(p, objects.volumes, rows, tenants, progress);
  // After the instances: every claim read here is by an instance in `rows`.
  const pool = await readNetworkPool(p);
  const known = new Set(rows.map((r) => r.id));
  const orphans = findOrphans(
    objects,
    known,
    kept.keptInstances,
    kept.ownedVolumes,
    new Set(pool.map((n) => n.name)),
  );
  await removeOrphans(p, orphans, progress);
  const releasedAllocations = await releaseUnownedAllocations(p);
  const removedVolumes = await removeRequestedVolumes(p, progress);

  const byInstance = groupByInstance(objects.containers);
  const limit = pLimit(p.config.reconcile.concurrency);
  const acted: string[] = [];
  let nextRetryAt: number | undefined;
  const now = Date.now();
  const jobs: Promise<unknown>[] = [];
  for (const row of rows) {
    if (options.inFlight?.has(row.id)) continue;
    const verdict = verdictFor(p, row, tenants.get(row.tenant_id) ?? "?", byInstance.get(row.id) ?? [], now);
    // The CLI's reconcile waits out restart backoffs too; the daemon comes back at retryAt instead.
    if (!verdict.work && !(mode === "wait" && verdict.retryAt)) {
      if (verdict.retryAt) nextRetryAt = Math.min(nextRetryAt ?? verdict.retryAt, verdict.retryAt);
      continue;
    }
    acted.push(
      `${tenants.get(row.tenant_id)}/${row.name}: ${verdict.work ? verdict.why : "restart scheduled"}`,
    );
    options.inFlight?.add(row.id);
    const job = limit(async () => {
      const prefixed: ProgressSink = (m) => progress(`${tenants.get(row.tenant_id)}/${row.name}: ${m}`);
      let retryAt: number | undefined;
      try {
        if (mode === "wait") await driveInstance(p, row.id, prefixed);
        else {
          const r = await withLease(p.store.db, instanceLease(row.id), () =>
            reconcileInstance(p, row.id, prefixed),
          );
          if (r.ran && r.value.retryAt) retryAt = r.value.retryAt;
        }
      } catch (err) {
        p.logger.error({ instance: row.id, err: (err as Error).message }, "reconcile failed");
        prefixed(`reconcile failed: ${(err as Error).message}`);
      } finally {
        options.inFlight?.delete(row.id);
      }
      if (retryAt) nextRetryAt = Math.min(nextRetryAt ?? retryAt, retryAt);
      options.onJobDone?.(retryAt);
    });
    jobs.push(job);
  }
  // In the background of the instances' work: nothing waits for the pool.
  const networkPool = await tendNetworkPool(p, pool, known, progress).catch((err: unknown) => {
    // A pool that cannot be filled (the engine's address pools used up) costs deploys time, nothing else.
    p.logger.warn({ err: (err as Error).message }, "the warm network pool was not refilled");
    return { created: 0, removed: 0 };
  });
  if (mode !== "detach") await Promise.all(jobs);
  return {
    instances: rows.length,
    acted,
    orphans: {
      containers: orphans.containers.length,
      networks: orphans.networks.length,
      volumes: orphans.volumes.length,
    },
    releasedAllocations,
    keptVolumes: { adopted: kept.adopted, removed: removedVolumes },
    networkPool,
    ...(nextRetryAt ? { nextRetryAt } : {}),
    durationMs: performance.now() - started,
  };
}

function verdictFor(
  p: ReconcilerContext,
  row: InstanceRow,
  tenantName: string,
  containers: ContainerState[],
  now: number,
) {
  try {
    return needsWork(
      row,
      expectedContainerNames(p.store.installationId, tenantName, row, readSpecShape(row.spec)),
      containers,
      now,
    );
  } catch (err) {
    return { work: true as const, why: `unreadable spec: ${(err as Error).message}` };
  }
}

function groupByInstance(containers: ContainerState[]): Map<string, ContainerState[]> {
  const map = new Map<string, ContainerState[]>();
  for (const c of containers) {
    const id = c.labels[LABEL.instance] ?? "";
    map.set(id, [...(map.get(id) ?? []), c]);
  }
  return map;
}

async function removeOrphans(
  p: ReconcilerContext,
  orphans: { containers: ContainerState[]; networks: ObjectSummary[]; volumes: ObjectSummary[] },
  progress: ProgressSink,
) {
  const total = orphans.containers.length + orphans.networks.length + orphans.volumes.length;
  if (!total) return;
  progress(`removing ${total} orphaned object(s) labelled with this install`);
  await Promise.all(orphans.containers.map((c) => p.runtime.removeContainer(c.id)));
  for (const n of orphans.networks) await p.runtime.removeNetwork(n.name);
  for (const v of orphans.volumes) await p.runtime.removeVolume(v.name);
  p.logger.info(
    {
      containers: orphans.containers.length,
      networks: orphans.networks.length,
      volumes: orphans.volumes.length,
    },
    "orphans removed",
  );
}

/** Allocations whose instance is removed: a crash between removal steps must never leak a port. */
async function releaseUnownedAllocations(p: ReconcilerContext): Promise<number> {
  const result = await p.store.db
    .deleteFrom("allocations")
    .where("instance_id", "in", (eb) =>
      eb.selectFrom("instances").select("id").where("removed_at", "is not", null),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

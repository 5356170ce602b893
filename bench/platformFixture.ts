import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { type AimsConfig, loadConfig } from "../src/config.js";
import { newSpec } from "../src/domain/instanceSpec.js";
import { newId } from "../src/domain/names.js";
import { createPlatform, type Platform } from "../src/platform.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { withTransaction } from "../src/store/database.js";
import { insertTenant } from "../src/store/tenantRepository.js";

/**
 * A throw-away install for one benchmark: own data dir, own port range, removed afterwards by label.
 * The reverse proxy is off unless `extra.proxy` turns it on (bench/proxy.bench.ts measures it). Tenants are on
 * sovereign and the host's memory may be given 1000 times over: benches deploy hundreds of instances (or fill
 * the store with them), which plans and host capacity would refuse; `extra` can set either back.
 */
export async function benchPlatform(
  ports: { min: number; max: number },
  extra: Record<string, unknown> = {},
): Promise<{ p: Platform; config: AimsConfig; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "aims-bench-"));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      ports,
      logLevel: "silent",
      proxy: { enabled: false },
      defaultPlan: "sovereign",
      capacity: { memoryOvercommit: 1000 },
      ...extra,
    },
  });
  const p = await createPlatform(config);
  return {
    p,
    config,
    async dispose() {
      await removeEngineObjects(p);
      await p.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stops the install's proxy and removes every container, network (the warm pool's too) and volume labelled
 * with its installation: what a bench leaves in the engine before its data dir goes.
 */
export async function removeEngineObjects(p: Platform): Promise<void> {
  const { runtime, proxy } = await p.reconciler();
  await proxy.stop();
  const objects = await runtime.listManaged({ [LABEL.installation]: p.store.installationId });
  // A few at a time: 500 removals at once had the engine run hundreds of iptables processes queued on one lock.
  const limit = pLimit(4);
  await Promise.all(objects.containers.map((c) => limit(() => runtime.removeContainer(c.id))));
  for (const n of objects.networks) await runtime.removeNetwork(n.name);
  for (const v of objects.volumes) await runtime.removeVolume(v.name);
}

export const benchActor = { id: "bench", source: "bench" };
export const quiet = () => {};

/** A ready instance row at revision 1, for benches that fill the store directly (no engine). */
export function readyInstanceRow(row: {
  id: string;
  tenant_id: string;
  name: string;
  plug_id: string;
  plug_version: string;
  spec: string;
}) {
  const now = new Date().toISOString();
  return {
    ...row,
    desired_state: "running" as const,
    observed_state: "ready" as const,
    reason: null,
    revision: 1,
    created_at: now,
    updated_at: now,
    removed_at: null,
  };
}

/**
 * Fills the store with `instances` ready static-site rows, spread round-robin over new tenants named
 * `tenants` on `plan`, written straight to the store (no engine): for benches that measure reads over many
 * instances. `state: "stopped"` writes them desired and observed stopped instead, so that a running
 * reconciler leaves them be (it would start every ready one's missing container). Answers the tenants' ids.
 */
export async function seedReadyInstances(
  p: Platform,
  options: { tenants: readonly string[]; instances: number; plan: string; state?: "ready" | "stopped" },
): Promise<string[]> {
  const entry = p.catalog.get("static-site");
  const spec = JSON.stringify(newSpec(entry, {}, p.plans.get(options.plan).defaultResources));
  return withTransaction(p.store.db, async (trx) => {
    const ids: string[] = [];
    for (const name of options.tenants) ids.push((await insertTenant(trx, { name, plan: options.plan })).id);
    const stopped =
      options.state === "stopped" ? ({ desired_state: "stopped", observed_state: "stopped" } as const) : {};
    for (let i = 0; i < options.instances; i++)
      await trx
        .insertInto("instances")
        .values({
          ...readyInstanceRow({
            id: newId(),
            tenant_id: ids[i % ids.length]!,
            name: `inst-${i}`,
            plug_id: entry.plug.id,
            plug_version: entry.plug.version,
            spec,
          }),
          ...stopped,
        })
        .execute();
    return ids;
  });
}

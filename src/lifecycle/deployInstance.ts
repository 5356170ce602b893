import { z } from "zod";
import type { CatalogEntry } from "../catalog/loadCatalog.js";
import { type InstancePlan, publicPortRequests, renderInstance } from "../catalog/renderInstance.js";
import { AimsError } from "../domain/errors.js";
import { resolveInputs } from "../domain/inputs.js";
import { nameSchema, newId } from "../domain/names.js";
import type { Platform } from "../main.js";
import {
  insertAllocations,
  listAllocations,
  PortTakenError,
  pickFreePorts,
  releasePorts,
} from "../ports/portAllocator.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import {
  deleteSecrets,
  findInstance,
  insertInstance,
  listSecrets,
  putSecret,
  updateInstanceState,
} from "../store/instanceRepository.js";
import { recordChange } from "../store/recordChange.js";
import type { InstancesTable, TenantsTable } from "../store/schema.js";
import { findTenantByName, insertTenant } from "../store/tenantRepository.js";
import type { Actor } from "./actor.js";
import { instanceChange } from "./changeRecord.js";
import { convergeInstance, planFor } from "./convergeInstance.js";
import { newInstanceSecrets, openAll, publicInputs, sealAll } from "./instanceSecrets.js";
import { type InstanceView, toInstanceView } from "./instanceView.js";
import { previewImages, resolveImages } from "./resolveImages.js";
import { teardownInstance } from "./teardownInstance.js";

export const deployInputSchema = z.object({
  plug: z.string().min(1, "name a plug (see `aims catalog list`)"),
  tenant: nameSchema,
  name: nameSchema,
  set: z.record(z.string(), z.string()).default({}),
  dryRun: z.boolean().default(false),
});
export type DeployInput = z.input<typeof deployInputSchema>;

export type DeployOutcome =
  | { kind: "plan"; plan: InstancePlan; plug: string; version: string }
  | { kind: "deployed"; instance: InstanceView; reused: boolean };

/** Parses operation input with zod into an AimsError("invalid_input") naming each bad field. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AimsError(
      "invalid_input",
      parsed.error.issues.map((i) => `${i.path.join(".") || "input"} ${i.message}`).join("; "),
    );
  }
  return parsed.data;
}

/**
 * Deploys a plug for a tenant: validate → configure (secrets, ports, rows) → provision (network,
 * volumes) → deploy (containers) → health → ready. A failure after rows exist is compensated (objects
 * removed, ports released, instance marked failed) and reported as an event. Re-running with the same
 * tenant, name, plug and inputs converges the existing instance instead of creating another.
 */
export async function deployInstance(
  p: Platform,
  raw: DeployInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<DeployOutcome> {
  const input = parseInput(deployInputSchema, raw);
  const entry = p.catalog.get(input.plug);
  const inputs = resolveInputs(entry.plug, input.set);
  const db = p.store.db;
  const tenant = await findTenantByName(db, input.tenant);
  const existing = tenant ? await findInstance(db, tenant.id, input.name) : undefined;
  if (existing && tenant) {
    await assertSameDeployment(p, entry, existing, inputs, input.tenant);
    if (input.dryRun)
      return {
        kind: "plan",
        plan: await planFor(p, entry, tenant, existing, previewImages(entry, p.config.imageOverrides)),
        plug: entry.plug.id,
        version: entry.plug.version,
      };
    return {
      kind: "deployed",
      instance: await reconvergeExisting(p, entry, tenant, existing, actor, progress),
      reused: true,
    };
  }
  if (input.dryRun)
    return {
      kind: "plan",
      plan: await previewPlan(p, entry, input.tenant, input.name, inputs),
      plug: entry.plug.id,
      version: entry.plug.version,
    };

  await p.driver.ping();
  progress(`resolving images for ${entry.plug.id} ${entry.plug.version}`);
  const images = await resolveImages(p.driver, entry, p.config.imageOverrides, progress);
  const { tenantRow, instance } = await configure(p, entry, input.tenant, input.name, inputs, actor);
  progress(`configured ${input.tenant}/${input.name}; provisioning network and volumes`);
  const plan = await planFor(p, entry, tenantRow, instance, images);
  try {
    await convergeInstance(p, instance, plan, progress);
  } catch (err) {
    await compensateFirstDeploy(p, tenantRow, instance, err, actor, progress);
    throw err;
  }
  return { kind: "deployed", instance: await markReady(p, entry, tenantRow, instance, actor), reused: false };
}

/** A second deploy of the same name must ask for the same thing; anything else is a conflict, not a silent change. */
async function assertSameDeployment(
  p: Platform,
  entry: CatalogEntry,
  row: InstancesTable,
  inputs: Record<string, string>,
  tenant: string,
) {
  const where = `instance ${tenant}/${row.name}`;
  if (row.plug_id !== entry.plug.id)
    throw new AimsError(
      "conflict",
      `${where} already exists and runs plug ${row.plug_id}; choose another name or remove it first`,
    );
  const stored = (JSON.parse(row.spec) as { inputs: Record<string, string> }).inputs;
  const wanted = publicInputs(entry.plug, inputs);
  const secrets = openAll(p.masterKey, row.id, await listSecrets(p.store.db, row.id));
  const secretInputsDiffer = entry.plug.inputs.some(
    (i) => i.type === "secret" && inputs[i.key] !== undefined && secrets[i.key] !== inputs[i.key],
  );
  if (
    row.plug_version !== entry.plug.version ||
    JSON.stringify(sorted(stored)) !== JSON.stringify(sorted(wanted)) ||
    secretInputsDiffer
  ) {
    throw new AimsError(
      "conflict",
      `${where} already exists with different settings; remove it first or deploy under another name`,
    );
  }
}

function sorted(o: Record<string, string>): Array<[string, string]> {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}

/** Dry-run: the plan with the ports that would be allocated now; writes nothing, calls no engine. */
async function previewPlan(
  p: Platform,
  entry: CatalogEntry,
  tenant: string,
  name: string,
  inputs: Record<string, string>,
): Promise<InstancePlan> {
  const requests = publicPortRequests(entry.plug);
  const ports = await pickFreePorts(p.store.db, requests.length, p.config.ports, p.config.bindAddress);
  const hostPorts = Object.fromEntries(
    requests.map((r, i) => [`${r.service}/${r.portName}/${r.replica}`, ports[i]]),
  );
  return renderInstance(entry.plug, {
    installationId: p.store.installationId,
    tenant: { id: "(new)", name: tenant },
    instance: { id: "(new)", name, revision: 1 },
    inputs: publicInputs(entry.plug, inputs),
    images: previewImages(entry, p.config.imageOverrides),
    hostPorts,
    bindAddress: p.config.bindAddress,
  });
}

/** One transaction: tenant (if new), instance row, sealed secrets, port allocations, events and audit. */
async function configure(
  p: Platform,
  entry: CatalogEntry,
  tenantName: string,
  name: string,
  inputs: Record<string, string>,
  actor: Actor,
) {
  const requests = publicPortRequests(entry.plug);
  const secrets = newInstanceSecrets(entry.plug, inputs);
  for (let attempt = 1; ; attempt++) {
    const ports = await pickFreePorts(p.store.db, requests.length, p.config.ports, p.config.bindAddress);
    try {
      return await p.store.db.transaction().execute(async (trx) => {
        let tenantRow = await findTenantByName(trx, tenantName);
        if (!tenantRow) {
          tenantRow = await insertTenant(trx, { name: tenantName });
          await recordChange(trx, {
            event: { type: "tenant.created", tenantId: tenantRow.id, subject: tenantName, data: {} },
            audit: {
              actor: actor.id,
              source: actor.source,
              action: "tenant.create",
              target: `tenant/${tenantName}`,
              tenantId: tenantRow.id,
              result: "ok",
              data: {},
            },
          });
        }
        const now = new Date().toISOString();
        const instance: InstancesTable = {
          id: newId(),
          tenant_id: tenantRow.id,
          name,
          plug_id: entry.plug.id,
          plug_version: entry.plug.version,
          desired_state: "running",
          observed_state: "deploying",
          reason: null,
          revision: 1,
          spec: JSON.stringify({ inputs: publicInputs(entry.plug, inputs) }),
          created_at: now,
          updated_at: now,
          removed_at: null,
        };
        await insertInstance(trx, instance);
        for (const row of sealAll(p.masterKey, instance.id, secrets)) await putSecret(trx, row);
        await insertAllocations(
          trx,
          instance.id,
          requests.map((r, i) => ({ ...r, port: ports[i]! })),
        );
        await recordChange(
          trx,
          instanceChange(actor, tenantRow, instance, {
            event: "instance.created",
            action: "instance.deploy",
            data: {
              plug: entry.plug.id,
              version: entry.plug.version,
              ports,
              secrets: secrets.map((s) => s.key),
            },
          }),
        );
        return { tenantRow: tenantRow as TenantsTable, instance };
      });
    } catch (err) {
      // Another process took one of our candidate ports between probe and insert: pick again once.
      if (attempt < 3 && err instanceof PortTakenError) continue;
      throw err;
    }
  }
}

async function markReady(
  p: Platform,
  entry: CatalogEntry,
  tenant: TenantsTable,
  instance: InstancesTable,
  actor: Actor,
): Promise<InstanceView> {
  const updated = await p.store.db.transaction().execute(async (trx) => {
    const row = await updateInstanceState(trx, instance.id, { observed_state: "ready", reason: null });
    await recordChange(
      trx,
      instanceChange(actor, tenant, instance, { event: "instance.ready", action: "instance.ready" }),
    );
    return row;
  });
  const allocations = await listAllocations(p.store.db, { instanceId: instance.id });
  return toInstanceView(updated, tenant.name, entry.plug, allocations, p.config.bindAddress);
}

/** Undo a failed first deploy: remove its Docker objects, release its ports, keep a failed tombstone and an event. */
async function compensateFirstDeploy(
  p: Platform,
  tenant: TenantsTable,
  instance: InstancesTable,
  err: unknown,
  actor: Actor,
  progress: ProgressSink,
) {
  const reason = err instanceof Error ? err.message : String(err);
  progress(`deploy failed, rolling back: ${reason}`);
  await teardownInstance(p, instance.id, { keepVolumes: false }, progress).catch((undoErr: unknown) => {
    p.logger.error(
      { instance: instance.id, err: String(undoErr) },
      "rollback left Docker objects behind; the reconciler will remove them",
    );
  });
  await p.store.db.transaction().execute(async (trx) => {
    await releasePorts(trx, instance.id);
    await deleteSecrets(trx, instance.id);
    await updateInstanceState(trx, instance.id, {
      observed_state: "failed",
      desired_state: "removed",
      reason,
      removed_at: new Date().toISOString(),
    });
    await recordChange(
      trx,
      instanceChange(actor, tenant, instance, {
        event: "instance.failed",
        action: "instance.deploy",
        result: "failed",
        data: { reason, rolledBack: true },
      }),
    );
  });
}

/** Re-running a deploy of an existing instance converges it (starts what is stopped, recreates what is missing). */
async function reconvergeExisting(
  p: Platform,
  entry: CatalogEntry,
  tenant: TenantsTable,
  row: InstancesTable,
  actor: Actor,
  progress: ProgressSink,
): Promise<InstanceView> {
  await p.driver.ping();
  const images = await resolveImages(p.driver, entry, p.config.imageOverrides, progress);
  const plan = await planFor(p, entry, tenant, row, images);
  try {
    await convergeInstance(p, row, plan, progress);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await p.store.db.transaction().execute(async (trx) => {
      await updateInstanceState(trx, row.id, { observed_state: "failed", reason });
      await recordChange(
        trx,
        instanceChange(actor, tenant, row, {
          event: "instance.failed",
          action: "instance.deploy",
          result: "failed",
          data: { reason },
        }),
      );
    });
    throw err;
  }
  if (row.observed_state === "ready") {
    const allocations = await listAllocations(p.store.db, { instanceId: row.id });
    return toInstanceView(row, tenant.name, entry.plug, allocations, p.config.bindAddress);
  }
  return markReady(p, entry, tenant, row, actor);
}

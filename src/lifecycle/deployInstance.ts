import * as z from "zod";
import type { CatalogEntry } from "../catalog/loadCatalog.js";
import { type InstancePlan, publicPortRequests, renderInstance } from "../catalog/renderInstance.js";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { resolveInputs } from "../domain/inputs.js";
import { newSpec, parseSpec } from "../domain/instanceSpec.js";
import { keptVolumeReferenceSchema, newId, newNameSchema } from "../domain/names.js";
import type { Plan } from "../domain/plans.js";
import { sizePlug } from "../domain/sizedPlug.js";
import { assertTenantRuns } from "../domain/tenantStatus.js";
import { pickFreePorts } from "../ports/portAllocator.js";
import { enforceQuota } from "../quota/enforceQuota.js";
import { planOf } from "../quota/tenantPlan.js";
import { instanceUse } from "../quota/tenantUsage.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import {
  findInstance,
  type InstanceRow,
  insertInstance,
  insertRevision,
  listSecrets,
  putSecret,
} from "../store/instanceRepository.js";
import { attachKeptVolumes } from "../store/keptVolumeRepository.js";
import { claimPoolNetwork } from "../store/networkPoolRepository.js";
import { recordChange } from "../store/recordChange.js";
import { findTenantByName, insertTenant, lockTenant, type TenantRow } from "../store/tenantRepository.js";
import type { Actor } from "./actor.js";
import { instanceChange } from "./changeRecord.js";
import { claimPorts } from "./claimPorts.js";
import { crashPoint } from "./crashPoint.js";
import { deployablePlug } from "./deployablePlug.js";
import { newInstanceSecrets, openAll, publicInputs, sealAll } from "./instanceSecrets.js";
import { type InstanceView, viewOf } from "./instanceView.js";
import { assertSucceeded } from "./outcome.js";
import { parseInput } from "./parseInput.js";
import { previewImages } from "./resolveImages.js";
import { type Reuse, resolveReuse, withKeptSecrets } from "./reuseVolumes.js";

export const deployInputSchema = z.object({
  plug: z.string().min(1, "is required: name one from `aims catalog list`"),
  tenant: newNameSchema,
  name: newNameSchema,
  set: z.record(z.string(), z.string()).default({}),
  dryRun: z.boolean().default(false),
  /** Kept volumes (ids, or the instance name they were kept from) to mount instead of new ones. */
  reuseVolumes: z.array(keptVolumeReferenceSchema).max(20).default([]),
});
export type DeployInput = z.input<typeof deployInputSchema>;

export type DeployOutcome =
  | { kind: "plan"; plan: InstancePlan; plug: string; version: string }
  | { kind: "deployed"; instance: InstanceView; reused: boolean };

/**
 * Deploys a plug for a tenant: validate → images → configure (one transaction: tenant, instance,
 * sealed secrets, ports, event, audit) → the reconciler provisions, starts and health-gates it. A
 * failure before the instance was ever ready is undone and reported as an event. Re-running with the
 * same tenant, name, plug and inputs converges the existing instance instead of creating another.
 * `reuseVolumes` mounts kept volumes instead of new ones, with the secrets their data was written with.
 */
export async function deployInstance(
  p: OperationContext,
  raw: DeployInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<DeployOutcome> {
  const input = parseInput(deployInputSchema, raw);
  const tenant = await findTenantByName(p.store.db, input.tenant);
  if (tenant) assertTenantRuns(tenant);
  const entry = await deployablePlug(p, tenant?.id, input.plug);
  const inputs = resolveInputs(entry.plug, input.set);
  const existing = tenant ? await findInstance(p.store.db, tenant.id, input.name) : undefined;
  if (existing && tenant) {
    await assertSameDeployment(p, entry, existing, inputs, input.tenant);
    const reuse = await resolveReuse(p, tenant, input.tenant, entry.plug, input.reuseVolumes, existing.id);
    if (reuse.volumes.some((k) => k.reattached_to !== existing.id))
      throw new AimsError(
        "conflict",
        `instance ${input.tenant}/${input.name} already exists; --reuse-volumes applies to a new instance (remove it first, or deploy under another name)`,
      );
    if (input.dryRun)
      return {
        kind: "plan",
        plan: await previewPlan(p, entry, input.tenant, input.name, inputs, reuse),
        plug: entry.plug.id,
        version: entry.plug.version,
      };
    await p.checkEngine();
    const row = assertSucceeded(await p.settleInstance(existing.id, progress));
    return { kind: "deployed", instance: await viewOf(p, row), reused: true };
  }
  const reuse = await resolveReuse(p, tenant, input.tenant, entry.plug, input.reuseVolumes);
  if (input.dryRun) {
    // The same quota and capacity checks as the deploy itself: a plan shown is one that would be deployed.
    const plan = tenant ? planOf(p.plans, tenant) : p.plans.defaultPlan;
    const spec = newSpec(entry, {}, plan.defaultResources);
    const request = deployRequest(input.name, spec, reuse);
    await enforceQuota(p.store.db, p, tenant ?? { id: "", name: input.tenant, plan: plan.name }, request, {
      lock: false,
    });
    return {
      kind: "plan",
      plan: await previewPlan(p, entry, input.tenant, input.name, inputs, reuse, plan),
      plug: entry.plug.id,
      version: entry.plug.version,
    };
  }

  await p.checkEngine();
  const instance = await configure(p, entry, input.tenant, input.name, inputs, reuse, actor);
  crashPoint(p.config, "after-port-allocation");
  progress(`configured ${input.tenant}/${input.name}; provisioning`);
  const row = assertSucceeded(await p.settleInstance(instance.id, progress));
  return { kind: "deployed", instance: await viewOf(p, row), reused: false };
}

/** A second deploy of the same name must ask for the same thing; anything else is a conflict, not a silent change. */
async function assertSameDeployment(
  p: OperationContext,
  entry: CatalogEntry,
  row: InstanceRow,
  inputs: Record<string, string>,
  tenant: string,
) {
  const where = `instance ${tenant}/${row.name}`;
  if (row.plug_id !== entry.plug.id)
    throw new AimsError(
      "conflict",
      `${where} already exists and runs plug ${row.plug_id}; choose another name or remove it first`,
    );
  const stored = parseSpec(row.spec).inputs;
  const wanted = publicInputs(entry.plug, inputs);
  const secrets = openAll(p.masterKey, row.id, await listSecrets(p.store.db, row.id));
  const secretInputsDiffer = entry.plug.inputs.some(
    (i) => i.type === "secret" && inputs[i.key] !== undefined && secrets[i.key] !== inputs[i.key],
  );
  if (JSON.stringify(sorted(stored)) !== JSON.stringify(sorted(wanted)) || secretInputsDiffer) {
    throw new AimsError(
      "conflict",
      `${where} already exists with different settings; use \`aims update\`, remove it first, or deploy under another name`,
    );
  }
}

function sorted(o: Record<string, string>): Array<[string, string]> {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}

/** Dry-run: the plan with the ports that would be allocated now; writes nothing, calls no engine. */
async function previewPlan(
  p: OperationContext,
  entry: CatalogEntry,
  tenant: string,
  name: string,
  inputs: Record<string, string>,
  reuse: Reuse,
  plan: Plan = p.plans.defaultPlan,
): Promise<InstancePlan> {
  const replicas = initialReplicas(entry.plug);
  const requests = publicPortRequests(entry.plug, replicas);
  const ports = await pickFreePorts(p.store.db, requests.length, p.config.ports, p.config.bindAddress);
  const hostPorts = Object.fromEntries(
    requests.map((r, i) => [`${r.service}/${r.portName}/${r.replica}`, ports[i]]),
  );
  return renderInstance(sizePlug(entry.plug, plan.defaultResources), {
    installationId: p.store.installationId,
    tenant: { id: "(new)", name: tenant },
    instance: { id: "(new)", name, revision: 1 },
    inputs: publicInputs(entry.plug, inputs),
    images: previewImages(entry, p.config.imageOverrides),
    hostPorts,
    replicas,
    bindAddress: p.config.bindAddress,
    attachedVolumes: Object.fromEntries(
      reuse.volumes.map((k) => [`${k.service}/${k.volume}`, k.docker_volume]),
    ),
  });
}

/** Replicas a new instance starts with: what each service declares, else 1. */
function initialReplicas(plug: CatalogEntry["plug"]): Record<string, number> {
  return Object.fromEntries(plug.services.map((s) => [s.name, s.replicas ?? 1]));
}

/** What a new instance asks of its tenant's quotas: one more instance, its limits (it is meant to run), its volumes. */
function deployRequest(name: string, spec: Parameters<typeof instanceUse>[1], reuse: Reuse) {
  return { what: "this deploy", after: instanceUse(name, spec, true), reusedVolumes: reuse.volumes.length };
}

/**
 * One transaction: tenant (if new), its lock and the quota check, instance row (its spec sized with the
 * plan's default resources), first revision, sealed secrets, port allocations, the kept volumes it
 * reattaches, events and audit. Over a quota, nothing of it is written.
 */
async function configure(
  p: OperationContext,
  entry: CatalogEntry,
  tenantName: string,
  name: string,
  inputs: Record<string, string>,
  reuse: Reuse,
  actor: Actor,
): Promise<InstanceRow> {
  const requests = publicPortRequests(entry.plug, initialReplicas(entry.plug));
  const secrets = withKeptSecrets(
    entry.plug,
    newInstanceSecrets(entry.plug, inputs),
    reuse,
    new Set(Object.keys(inputs)),
  );
  return claimPorts(p, requests, (ports, recordPorts) =>
    p.store.db.transaction().execute(async (trx) => {
      let tenantRow: TenantRow | undefined = await findTenantByName(trx, tenantName);
      const newPlan = p.plans.defaultPlan.name;
      if (tenantRow) {
        tenantRow = (await lockTenant(trx, tenantRow.id)) ?? tenantRow;
        // Checked again here: a suspension that committed since the check above wins.
        assertTenantRuns(tenantRow);
      } else {
        tenantRow = await insertTenant(trx, { name: tenantName, plan: newPlan });
        await recordChange(trx, {
          event: {
            type: "tenant.created",
            tenantId: tenantRow.id,
            subject: tenantName,
            data: { plan: newPlan },
          },
          audit: {
            actor: actor.id,
            source: actor.source,
            action: "tenant.create",
            target: `tenant/${tenantName}`,
            tenantId: tenantRow.id,
            result: "ok",
            data: { plan: newPlan },
          },
        });
      }
      const plan = planOf(p.plans, tenantRow);
      const sized = newSpec(entry, publicInputs(entry.plug, inputs), plan.defaultResources);
      await enforceQuota(trx, p, tenantRow, deployRequest(name, sized, reuse), { lock: false });
      const spec = JSON.stringify(sized);
      const now = new Date().toISOString();
      const instance = await insertInstance(trx, {
        id: newId(),
        tenant_id: tenantRow.id,
        name,
        plug_id: entry.plug.id,
        plug_version: entry.plug.version,
        desired_state: "running",
        observed_state: "pending",
        reason: null,
        revision: 1,
        spec,
        created_at: now,
        updated_at: now,
        removed_at: null,
      });
      await insertRevision(trx, {
        instance_id: instance.id,
        revision: 1,
        plug_version: entry.plug.version,
        spec,
        changes: JSON.stringify({ deployed: { plug: entry.plug.id, version: entry.plug.version } }),
        actor: actor.id,
      });
      for (const row of sealAll(p.masterKey, instance.id, secrets)) await putSecret(trx, row);
      await recordPorts(trx, instance.id);
      // A network made ahead of time, if one waits: the converge then has no network to create.
      const network = p.config.networkPool > 0 ? await claimPoolNetwork(trx, instance.id, now) : undefined;
      const reused = reuse.volumes.map((k) => k.id);
      if ((await attachKeptVolumes(trx, reused, instance.id)) !== reused.length)
        throw new AimsError(
          "conflict",
          `kept volumes ${reused.join(", ")} changed while deploying (attached or removed meanwhile); see \`aims volumes list --tenant ${tenantName}\``,
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
            ...(reused.length ? { reusedVolumes: reused } : {}),
          },
        }),
      );
      return network ? { ...instance, network } : instance;
    }),
  );
}

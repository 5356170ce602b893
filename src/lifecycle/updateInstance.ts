import * as z from "zod";
import type { CatalogEntry } from "../catalog/loadCatalog.js";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { resolveInputs, unknownInputs } from "../domain/inputs.js";
import { type InstanceSpec, parseSpec } from "../domain/instanceSpec.js";
import { pinnedImageSchema } from "../domain/manifest.js";
import { nameSchema } from "../domain/names.js";
import type { Plan } from "../domain/plans.js";
import {
  checkResourceLimits,
  cpuLimitSchema,
  memoryLimitSchema,
  pidsLimitSchema,
} from "../domain/resourceLimits.js";
import { sizePlug } from "../domain/sizedPlug.js";
import { assertTenantRuns } from "../domain/tenantStatus.js";
import { enforceQuota } from "../quota/enforceQuota.js";
import { planOf } from "../quota/tenantPlan.js";
import { instanceUse } from "../quota/tenantUsage.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import { insertRevision, listSecrets, putSecret } from "../store/instanceRepository.js";
import type { Actor } from "./actor.js";
import { claimPorts, missingPortRequests } from "./claimPorts.js";
import { deployablePlug } from "./deployablePlug.js";
import { openAll, publicInputs, sealAll } from "./instanceSecrets.js";
import { type InstanceView, viewOf } from "./instanceView.js";
import { assertSucceeded } from "./outcome.js";
import { parseInput } from "./parseInput.js";
import { assertPinnableImage } from "./pinnableImages.js";
import { requestChange } from "./requestChange.js";
import { requireInstance } from "./requireInstance.js";

export const updateInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  /** New answers to plug inputs (merged over the current ones). */
  set: z.record(z.string(), z.string()).default({}),
  /** Pin a service to another image of the plug's own repositories: `{ web: "repo/web:2.0.1" }` (`instance.image`). */
  images: z.record(nameSchema, pinnedImageSchema).default({}),
  /** Resource limits for `service` (or every service when absent), up to the plug's maximum and `limits`. */
  service: nameSchema.optional(),
  cpu: cpuLimitSchema.optional(),
  memory: memoryLimitSchema.optional(),
  pids: pidsLimitSchema.optional(),
  /** Move to the catalog's current version of the plug. */
  toCatalogVersion: z.boolean().default(false),
});
export type UpdateInput = z.input<typeof updateInputSchema>;

/**
 * Changes an instance as a new revision (inputs, images, limits, plug version). Limits above what the
 * tenant's plan allows are refused (quota_exceeded), never clamped. The reconciler stops the old revision,
 * starts the new one and health-gates it; if it never becomes healthy, the previous revision comes back and
 * the command fails with the reason.
 */
export async function updateInstance(
  p: OperationContext,
  raw: UpdateInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<InstanceView> {
  const input = parseInput(updateInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  assertTenantRuns(tenant);
  if (instance.desired_state !== "running")
    throw new AimsError(
      "conflict",
      `instance ${instance.name} is ${instance.desired_state}; start it before updating`,
    );
  const current = parseSpec(instance.spec);
  // The newest version: of the tenant's own plug when the instance runs one (an imported compose file), else the catalog's.
  const newest = input.toCatalogVersion ? await deployablePlug(p, tenant.id, current.plug.id) : undefined;
  const next = nextSpec(p, current, input, planOf(p.plans, tenant), newest);
  // A key the plug does not know is refused exactly as deploy refuses it, before anything changes.
  const unknown = unknownInputs(next.plug, Object.keys(input.set));
  if (unknown.length) throw new AimsError("invalid_input", unknown.join("; "));
  const secretsNow = openAll(p.masterKey, instance.id, await listSecrets(p.store.db, instance.id));
  const answers = { ...current.inputs, ...secretsNow, ...input.set };
  const inputs = resolveInputs(
    next.plug,
    Object.fromEntries(Object.entries(answers).filter(([k]) => next.plug.inputs.some((i) => i.key === k))),
  );
  next.inputs = publicInputs(next.plug, inputs);
  const changedSecrets = next.plug.inputs.filter(
    (i) => i.type === "secret" && input.set[i.key] !== undefined && input.set[i.key] !== secretsNow[i.key],
  );
  if (JSON.stringify(next) === JSON.stringify(current) && !changedSecrets.length)
    throw new AimsError("invalid_input", "nothing to update: the instance already runs with these settings");

  await p.checkEngine();
  const revisions = await p.store.db
    .selectFrom("instance_revisions")
    .select((eb) => eb.fn.max("revision").as("max"))
    .where("instance_id", "=", instance.id)
    .executeTakeFirst();
  const revision = Math.max(instance.revision, Number(revisions?.max ?? 0)) + 1;
  const missing = await missingPortRequests(p, instance.id, next.plug, next.replicas);
  const specText = JSON.stringify(next);
  await claimPorts(p, missing, (_ports, recordPorts) =>
    requestChange(p, tenant, instance, actor, {
      patch: {
        revision,
        spec: specText,
        plug_version: next.plug.version,
      },
      event: "instance.update_requested",
      action: "instance.update",
      data: {
        from: instance.revision,
        to: revision,
        version: next.plug.version,
        inputs: Object.keys(input.set),
        images: input.images,
      },
      within: async (trx) => {
        await enforceQuota(trx, p, tenant, {
          what: "this update",
          before: instanceUse(instance.name, current, true),
          after: instanceUse(instance.name, next, true),
        });
        await insertRevision(trx, {
          instance_id: instance.id,
          revision,
          plug_version: next.plug.version,
          spec: specText,
          changes: JSON.stringify(revisionChanges(current, next, input)),
          actor: actor.id,
        });
        await recordPorts(trx, instance.id);
        const sealed = sealAll(
          p.masterKey,
          instance.id,
          changedSecrets.map((i) => ({ key: i.key, value: input.set[i.key]!, origin: "input" as const })),
        );
        for (const row of sealed) await putSecret(trx, row);
      },
    }),
  );
  const row = assertSucceeded(await p.settleInstance(instance.id, progress));
  return viewOf(p, row);
}

/** The spec of the next revision: catalog version, image pins and resource overrides applied. */
function nextSpec(
  p: OperationContext,
  current: InstanceSpec,
  input: z.output<typeof updateInputSchema>,
  plan: Plan,
  newest: CatalogEntry | undefined,
): InstanceSpec {
  const next: InstanceSpec = structuredClone(current);
  if (input.toCatalogVersion && newest) {
    const entry = newest;
    if (entry.plug.version === current.plug.version)
      throw new AimsError(
        "invalid_input",
        `the instance already runs ${current.plug.id} ${current.plug.version}, the catalog's version`,
      );
    // What the new version leaves out is the plan's default, as at deploy.
    next.plug = sizePlug(entry.plug, plan.defaultResources);
    next.catalogDir = entry.dir;
    next.replicas = Object.fromEntries(
      entry.plug.services.map((s) => [s.name, current.replicas[s.name] ?? 1]),
    );
  }
  const services = next.plug.services.map((s) => s.name);
  for (const [service, ref] of Object.entries(input.images)) {
    if (!services.includes(service))
      throw new AimsError(
        "invalid_input",
        `plug ${next.plug.id} has no service ${service} (services: ${services.join(", ")})`,
      );
    assertPinnableImage(p.config, next.plug, service, ref);
    next.images[service] = ref;
  }
  if (input.service && !services.includes(input.service))
    throw new AimsError("invalid_input", `plug ${next.plug.id} has no service ${input.service}`);
  const limits = {
    ...(input.cpu ? { cpu: input.cpu } : {}),
    ...(input.memory ? { memory: input.memory } : {}),
    ...(input.pids ? { pids: input.pids } : {}),
  };
  if (Object.keys(limits).length) {
    for (const service of input.service ? [input.service] : services) {
      // Bounded by the plug's maximum and the operator's ceiling: the host is shared with other tenants.
      checkResourceLimits(next.plug.services.find((s) => s.name === service)!, limits, p.config.limits);
      next.resources[service] = { ...next.resources[service], ...limits };
    }
  }
  return next;
}

/** What a revision changes, for `aims history`: input names (never values), images, limits, version. */
function revisionChanges(
  current: InstanceSpec,
  next: InstanceSpec,
  input: z.output<typeof updateInputSchema>,
) {
  const limits = Object.fromEntries(
    Object.entries(next.resources).filter(
      ([service, r]) => JSON.stringify(r) !== JSON.stringify(current.resources[service]),
    ),
  );
  return {
    ...(Object.keys(input.set).length ? { inputs: Object.keys(input.set).sort() } : {}),
    ...(Object.keys(input.images).length ? { images: input.images } : {}),
    ...(Object.keys(limits).length ? { limits } : {}),
    ...(next.plug.version !== current.plug.version
      ? { version: { from: current.plug.version, to: next.plug.version } }
      : {}),
  };
}

import * as z from "zod";
import { AimsError } from "../../domain/errors.js";
import { replicasSchema } from "../../domain/instanceRequests.js";
import { effectivePlug, isStateless, parseSpec } from "../../domain/instanceSpec.js";
import { pinnedImageSchema } from "../../domain/manifest.js";
import { nameSchema } from "../../domain/names.js";
import { numberFromText } from "../../domain/numbers.js";
import {
  cpuLimitSchema,
  formatMemory,
  memoryLimitSchema,
  pidsLimitSchema,
} from "../../domain/resourceLimits.js";
import { removeInstance } from "../../lifecycle/removeInstance.js";
import { scaleInstance } from "../../lifecycle/scaleInstance.js";
import { updateInstance } from "../../lifecycle/updateInstance.js";
import { instanceUse } from "../../quota/tenantUsage.js";
import type { InstanceRow } from "../../store/instanceRepository.js";
import { actorOf } from "../../tenancy/principal.js";
import type { Permission } from "../../tenancy/roles.js";
import { describeInstance } from "./readTools.js";
import { redactInputs } from "./secretInputs.js";
import { describeResources, instanceArg, toolInstance, toolTenant } from "./targets.js";
import { impactOf, storedUse, tenantUse } from "./tenantUsage.js";
import { defineTool } from "./tool.js";

/** The service a request means: the named one, or the instance's only one (else the person must say which). */
function serviceOf(row: InstanceRow, named: string | undefined, onlyStateless: boolean): string {
  const plug = parseSpec(row.spec).plug;
  const names = plug.services.map((s) => s.name);
  if (named !== undefined) {
    if (!names.includes(named))
      throw new AimsError(
        "invalid_input",
        `${row.name} has no service ${named} (services: ${names.join(", ")})`,
      );
    return named;
  }
  const candidates = onlyStateless ? names.filter((n) => isStateless(plug, n)) : names;
  if (candidates.length === 1) return candidates[0]!;
  throw new AimsError(
    "invalid_input",
    `${row.name} has ${candidates.length ? `several services (${candidates.join(", ")})` : "no service that can run several replicas"}: name the service`,
  );
}

/** `instance.scale`: the replica count of a stateless service. */
export const instanceScale = defineTool({
  name: "instance.scale",
  description: "set how many replicas a stateless service runs",
  risk: "spend",
  input: z.strictObject({
    instance: instanceArg,
    replicas: numberFromText(replicasSchema),
    service: nameSchema.optional(),
  }),
  permissions: () => ["instance.scale"],
  async plan(ctx, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const service = serviceOf(instance, args.service, true);
    const spec = parseSpec(instance.spec);
    const from = spec.replicas[service] ?? 1;
    const one = effectivePlug(spec).services.find((s) => s.name === service)!.resources;
    const use = await tenantUse(ctx.platform, await toolTenant(ctx));
    const before = storedUse(instance);
    const after = instanceUse(
      instance.name,
      { ...spec, replicas: { ...spec.replicas, [service]: args.replicas } },
      before.running,
    );
    return {
      summary: `Scale service ${service} of ${instance.name} in tenant ${ctx.tenant} from ${from} to ${args.replicas} replicas (each ${describeResources(one)})`,
      impact: impactOf(ctx.platform.plans.all, use, { what: "this scale", before, after }),
    };
  },
  async run(ctx, caller, args) {
    const view = await scaleInstance(
      ctx.platform,
      {
        tenant: ctx.tenant,
        name: args.instance,
        replicas: args.replicas,
        ...(args.service ? { service: args.service } : {}),
      },
      actorOf(caller),
      ctx.progress,
    );
    return { say: `Scaled to ${args.replicas}: ${describeInstance(view)}.`, data: view };
  },
});

const inputValue = z.union([z.string().max(10_000), z.number(), z.boolean()]).transform(String);

/** `instance.update`: a new revision with other limits, an image or inputs (rolls back if unhealthy). */
export const instanceUpdate = defineTool({
  name: "instance.update",
  description:
    "change an instance's memory, CPU, process limit, image or inputs (a new revision, rolled back if unhealthy)",
  risk: "spend",
  input: z.strictObject({
    instance: instanceArg,
    service: nameSchema.optional(),
    memory: memoryLimitSchema.optional(),
    cpu: numberFromText(cpuLimitSchema).optional(),
    pids: numberFromText(pidsLimitSchema).optional(),
    image: pinnedImageSchema.optional(),
    inputs: z.record(z.string().max(100), inputValue).default({}),
  }),
  permissions: (args): Permission[] =>
    args.image ? ["instance.deploy", "instance.image"] : ["instance.deploy"],
  async redact(ctx, args) {
    if (!Object.keys(args.inputs).length) return args;
    const row = await toolInstance(ctx, args.instance).catch(() => undefined);
    return { ...args, inputs: redactInputs(row && parseSpec(row.instance.spec).plug, args.inputs) };
  },
  async plan(ctx, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const spec = parseSpec(instance.spec);
    const plug = effectivePlug(spec);
    const services = args.service
      ? [serviceOf(instance, args.service, false)]
      : plug.services.map((s) => s.name);
    const limits = {
      ...(args.cpu !== undefined ? { cpu: args.cpu } : {}),
      ...(args.memory !== undefined ? { memory: args.memory } : {}),
      ...(args.pids !== undefined ? { pids: args.pids } : {}),
    };
    const resources = { ...spec.resources };
    for (const name of services) resources[name] = { ...resources[name], ...limits };
    const changes = [
      args.memory !== undefined ? `memory ${formatMemory(args.memory)}` : "",
      args.cpu !== undefined ? `${args.cpu} CPU` : "",
      args.pids !== undefined ? `${args.pids} processes` : "",
      args.image ? `image ${args.image}` : "",
      Object.keys(args.inputs).length ? `inputs ${Object.keys(args.inputs).join(", ")}` : "",
    ].filter(Boolean);
    if (!changes.length)
      throw new AimsError("invalid_input", "say what to change: memory, cpu, pids, image or inputs");
    const use = await tenantUse(ctx.platform, await toolTenant(ctx));
    const before = storedUse(instance);
    const after = instanceUse(instance.name, { ...spec, resources }, before.running);
    return {
      summary: `Update ${instance.name} in tenant ${ctx.tenant} (${args.service ? `service ${args.service}` : services.length === 1 ? `service ${services[0]}` : "every service"}): ${changes.join(", ")}; a new revision, rolled back if it does not become healthy`,
      impact: impactOf(ctx.platform.plans.all, use, { what: "this update", before, after }),
    };
  },
  async run(ctx, caller, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const images = args.image ? { [serviceOf(instance, args.service, false)]: args.image } : {};
    const view = await updateInstance(
      ctx.platform,
      {
        tenant: ctx.tenant,
        name: args.instance,
        set: args.inputs,
        images,
        ...(args.service ? { service: args.service } : {}),
        ...(args.memory !== undefined ? { memory: args.memory } : {}),
        ...(args.cpu !== undefined ? { cpu: args.cpu } : {}),
        ...(args.pids !== undefined ? { pids: args.pids } : {}),
      },
      actorOf(caller),
      ctx.progress,
    );
    return { say: `Updated to revision ${view.revision}: ${describeInstance(view)}.`, data: view };
  },
});

/** `instance.remove`: decommission (volumes removed unless kept). */
export const instanceRemove = defineTool({
  name: "instance.remove",
  description: "remove an instance: its containers, network, ports and (unless kept) its data volumes",
  risk: "destructive",
  input: z.strictObject({ instance: instanceArg, keepVolumes: z.boolean().default(false) }),
  permissions: () => ["instance.delete"],
  async plan(ctx, args) {
    const { instance } = await toolInstance(ctx, args.instance);
    const use = await tenantUse(ctx.platform, await toolTenant(ctx));
    const before = storedUse(instance);
    const volumes = parseSpec(instance.spec).plug.services.flatMap((s) => s.volumes).length;
    const data = volumes
      ? args.keepVolumes
        ? `its ${volumes} data volume(s) are kept`
        : `its ${volumes} data volume(s) are deleted with their data`
      : "it keeps no data";
    return {
      summary: `Remove instance ${instance.name} (${instance.plug_id}) from tenant ${ctx.tenant}: its containers, network and ports go; ${data}`,
      impact: impactOf(ctx.platform.plans.all, use, { what: "this removal", before }, [
        `frees ${describeResources(before.footprint)}`,
      ]),
    };
  },
  async run(ctx, caller, args) {
    const removed = await removeInstance(
      ctx.platform,
      { tenant: ctx.tenant, name: args.instance, keepVolumes: args.keepVolumes },
      actorOf(caller),
      ctx.progress,
    );
    const kept = removed.kept.length ? `; kept volumes ${removed.kept.join(", ")}` : "";
    return {
      say: `Removed ${removed.name}: ${removed.removed.containers} container(s) gone${kept}.`,
      data: removed,
    };
  },
});

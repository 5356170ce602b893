import * as z from "zod";
import type { OperationContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { replicasSchema } from "../domain/instanceRequests.js";
import { isStateless, parseSpec } from "../domain/instanceSpec.js";
import { nameSchema } from "../domain/names.js";
import { assertTenantRuns } from "../domain/tenantStatus.js";
import { enforceQuota } from "../quota/enforceQuota.js";
import { instanceUse } from "../quota/tenantUsage.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { Actor } from "./actor.js";
import { claimPorts, missingPortRequests } from "./claimPorts.js";
import { crashPoint } from "./crashPoint.js";
import { type InstanceView, viewOf } from "./instanceView.js";
import { assertSucceeded } from "./outcome.js";
import { parseInput } from "./parseInput.js";
import { requestChange } from "./requestChange.js";
import { requireInstance } from "./requireInstance.js";

export const scaleInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  service: nameSchema.optional(),
  replicas: replicasSchema,
});
export type ScaleInput = z.input<typeof scaleInputSchema>;

/**
 * Sets the replica count of a stateless service: each public port of each new replica gets its own
 * allocated host port (in the request's transaction); the reconciler starts or removes replicas and
 * releases the ports of removed ones.
 */
export async function scaleInstance(
  p: OperationContext,
  raw: ScaleInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<InstanceView> {
  const input = parseInput(scaleInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  assertTenantRuns(tenant);
  if (instance.desired_state !== "running")
    throw new AimsError(
      "conflict",
      `instance ${instance.name} is ${instance.desired_state}; start it before scaling`,
    );
  const spec = parseSpec(instance.spec);
  const service =
    input.service ??
    onlyScalableService(
      spec.plug.services.map((s) => s.name),
      spec,
    );
  if (!spec.plug.services.some((s) => s.name === service))
    throw new AimsError("invalid_input", `plug ${spec.plug.id} has no service ${service}`);
  if (!isStateless(spec.plug, service))
    throw new AimsError(
      "conflict",
      `service ${service} keeps data in volumes; only stateless services can run several replicas`,
    );
  await p.checkEngine();
  const replicas = { ...spec.replicas, [service]: input.replicas };
  const missing = await missingPortRequests(p, instance.id, spec.plug, replicas);
  await claimPorts(p, missing, (ports, recordPorts) =>
    requestChange(p, tenant, instance, actor, {
      patch: { spec: JSON.stringify({ ...spec, replicas }) },
      event: "instance.scale_requested",
      action: "instance.scale",
      data: { service, from: spec.replicas[service] ?? 1, to: input.replicas, ports },
      within: async (trx) => {
        await enforceQuota(trx, p, tenant, {
          what: "this scale",
          before: instanceUse(instance.name, spec, true),
          after: instanceUse(instance.name, { ...spec, replicas }, true),
        });
        await recordPorts(trx, instance.id);
      },
    }),
  );
  crashPoint(p.config, "after-port-allocation");
  const row = assertSucceeded(await p.settleInstance(instance.id, progress));
  return viewOf(p, row);
}

function onlyScalableService(names: string[], spec: ReturnType<typeof parseSpec>): string {
  const stateless = names.filter((n) => isStateless(spec.plug, n));
  if (stateless.length === 1) return stateless[0]!;
  throw new AimsError(
    "invalid_input",
    `name the service to scale with --service (stateless services: ${stateless.join(", ") || "none"})`,
  );
}

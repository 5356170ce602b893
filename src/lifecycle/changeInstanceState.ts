import * as z from "zod";
import type { OperationContext } from "../context.js";
import { type InstanceAction, planAction } from "../domain/instanceActions.js";
import { parseSpec } from "../domain/instanceSpec.js";
import { nameSchema } from "../domain/names.js";
import { assertTenantRuns } from "../domain/tenantStatus.js";
import { enforceQuota } from "../quota/enforceQuota.js";
import { instanceUse } from "../quota/tenantUsage.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { Actor } from "./actor.js";
import { type InstanceView, viewOf } from "./instanceView.js";
import { assertSucceeded, settled } from "./outcome.js";
import { parseInput } from "./parseInput.js";
import { requestChange } from "./requestChange.js";
import { requireInstance } from "./requireInstance.js";

export const changeStateInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  action: z.enum(["stop", "start", "restart", "suspend", "resume"]),
});
export type ChangeStateInput = z.input<typeof changeStateInputSchema>;

/** The instance after a state change; `unchanged` when it already was where the action takes it. */
export interface StateChangeView extends InstanceView {
  unchanged: boolean;
}

/**
 * stop / start / restart / suspend / resume: records the new desired state (event + audit), then the
 * reconciler stops or starts containers (data kept) and health-gates a start. Asking for the state the
 * instance is in records nothing and answers `unchanged` (once it has settled there, if it had not yet).
 */
export async function changeInstanceState(
  p: OperationContext,
  raw: ChangeStateInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<StateChangeView> {
  const input = parseInput(changeStateInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  // Before the instance's own rules: in a suspended tenant the way back is the tenant's resume, not the instance's.
  if (input.action === "start" || input.action === "restart" || input.action === "resume")
    assertTenantRuns(tenant);
  const plan = planAction(input.action as InstanceAction, instance.desired_state, instance.observed_state, {
    tenant: tenant.name,
    name: instance.name,
  });
  // Already there, and settled: nothing to ask of the engine either.
  if (plan.unchanged && settled(instance))
    return { ...(await viewOf(p, assertSucceeded(instance))), unchanged: true };
  await p.checkEngine();
  // Starting or resuming a stopped instance gives its limits back to it: checked like any growth.
  const grows = plan.desired === "running" && instance.desired_state !== "running";
  if (!plan.unchanged)
    await requestChange(p, tenant, instance, actor, {
      ...(grows
        ? {
            within: async (trx) => {
              const spec = parseSpec(instance.spec);
              await enforceQuota(trx, p, tenant, {
                what: `${input.action === "resume" ? "resuming" : "starting"} ${instance.name}`,
                before: instanceUse(instance.name, spec, false),
                after: instanceUse(instance.name, spec, true),
              });
            },
          }
        : {}),
      patch: {
        desired_state: plan.desired,
        ...(plan.restart ? { restart_requested_at: new Date().toISOString() } : {}),
      },
      event: `instance.${input.action}_requested`,
      action: `instance.${input.action}`,
    });
  const row = assertSucceeded(await p.settleInstance(instance.id, progress));
  return { ...(await viewOf(p, row)), unchanged: plan.unchanged };
}

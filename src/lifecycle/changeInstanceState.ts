import * as z from "zod";
import type { OperationContext } from "../context.js";
import { type InstanceAction, planAction } from "../domain/instanceActions.js";
import { nameSchema } from "../domain/names.js";
import type { ProgressSink } from "../runtime/RuntimeDriver.js";
import type { Actor } from "./actor.js";
import { type InstanceView, viewOf } from "./instanceView.js";
import { assertSucceeded } from "./outcome.js";
import { parseInput } from "./parseInput.js";
import { requestChange } from "./requestChange.js";
import { requireInstance } from "./requireInstance.js";

export const changeStateInputSchema = z.object({
  tenant: nameSchema,
  name: nameSchema,
  action: z.enum(["stop", "start", "restart", "suspend", "resume"]),
});
export type ChangeStateInput = z.input<typeof changeStateInputSchema>;

/**
 * stop / start / restart / suspend / resume: records the new desired state (event + audit), then the
 * reconciler stops or starts containers (data kept) and health-gates a start.
 */
export async function changeInstanceState(
  p: OperationContext,
  raw: ChangeStateInput,
  actor: Actor,
  progress: ProgressSink,
): Promise<InstanceView> {
  const input = parseInput(changeStateInputSchema, raw);
  const { tenant, instance } = await requireInstance(p, input.tenant, input.name);
  const plan = planAction(input.action as InstanceAction, instance.desired_state, instance.observed_state);
  await p.checkEngine();
  await requestChange(p, tenant, instance, actor, {
    patch: {
      desired_state: plan.desired,
      ...(plan.restart ? { restart_requested_at: new Date().toISOString() } : {}),
    },
    event: `instance.${input.action}_requested`,
    action: `instance.${input.action}`,
  });
  const row = assertSucceeded(await p.settleInstance(instance.id, progress));
  return viewOf(p, row);
}

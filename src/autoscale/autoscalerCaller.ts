import { type Caller, hostCaller } from "../tenancy/principal.js";

/** The audit actor of the autoscaler: what its events, audit entries and approval requests name. */
export const AUTOSCALER_ACTOR = "autoscaler";

/**
 * The autoscaler as a caller (an AI actor of `aims serve`): acts in every tenant as the operator does, but only
 * through the scale operation and `proposeAction`, so the tenant's approval policy, quotas and plan limits apply.
 */
export function autoscalerCaller(): Caller {
  return hostCaller({ id: AUTOSCALER_ACTOR, source: "aims serve autoscaler" });
}

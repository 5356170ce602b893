import type { Plan } from "../domain/plans.js";
import type { Plans } from "./loadPlans.js";

/** A plan as `GET /v1/plans` and `aims plans list` show it: every field (memory in bytes, null unlimited). */
export type PublicPlan = Plan & { default: boolean };

/** Every plan of the install, in its order, with the one new tenants get marked `default`. */
export function publicPlans(plans: Plans): PublicPlan[] {
  // The name first, where a person reading the JSON looks for it.
  return plans.all.map(({ name, ...plan }) => ({ name, ...plan, default: name === plans.defaultPlan.name }));
}

import { AimsError } from "../domain/errors.js";
import type { Plan } from "../domain/plans.js";
import type { Plans } from "../plans/loadPlans.js";

/**
 * The plan a tenant is on. A plan this install no longer defines (it was taken out of config.yaml) is
 * AimsError("conflict") saying how the operator moves the tenant to one it does.
 */
export function planOf(plans: Plans, tenant: { name: string; plan: string | null }): Plan {
  const name = tenant.plan ?? plans.defaultPlan.name;
  const plan = plans.all.find((p) => p.name === name);
  if (plan) return plan;
  throw new AimsError(
    "conflict",
    `tenant ${tenant.name} is on plan ${name}, which this install does not define (the plans are ${plans.all.map((p) => p.name).join(", ")}); the operator moves it to one: aims tenant plan ${tenant.name} ${plans.defaultPlan.name}`,
  );
}

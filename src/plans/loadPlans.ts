import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AimsError } from "../domain/errors.js";
import { mergeDeep, type Plan, type PlanOverride, planNameSchema, planSchema } from "../domain/plans.js";
import { formatIssues } from "../domain/zodIssues.js";
import { PACKAGE_ROOT } from "../packageRoot.js";
import { parseYaml } from "../parseYaml.js";

/** The plans shipped with AIMS. */
export const BUILTIN_PLANS_FILE = join(PACKAGE_ROOT, "plans", "plans.yaml");

/** The plans of an install: by name, in the order the shipped file and then config.yaml list them. */
export interface Plans {
  readonly all: readonly Plan[];
  /** The plan of this name; unknown → AimsError("invalid_input") naming the plans there are. */
  get(name: string): Plan;
  /** The plan tenants get when they are created without one (`defaultPlan`). */
  readonly defaultPlan: Plan;
}

/**
 * The shipped plans with config.yaml's `plans:` laid over them (a field at a time); a plan only config.yaml
 * names must be whole. A mistake is AimsError("invalid_input") naming the plan and the field.
 */
export function loadPlans(
  overrides: Readonly<Record<string, PlanOverride>>,
  defaultPlan: string,
  file = BUILTIN_PLANS_FILE,
): Plans {
  const shipped = parseYaml(readFileSync(file, "utf8"));
  if (typeof shipped !== "object" || shipped === null)
    throw new AimsError("invalid_input", `${file} holds no plans`);
  const names = [...new Set([...Object.keys(shipped), ...Object.keys(overrides)])];
  const all = names.map((name): Plan => {
    const named = planNameSchema.safeParse(name);
    if (!named.success)
      throw new AimsError("invalid_input", `plans.${name}: the name ${named.error.issues[0]?.message}`);
    const merged = mergeDeep((shipped as Record<string, unknown>)[name], overrides[name]);
    const parsed = planSchema.safeParse(merged);
    if (!parsed.success) throw new AimsError("invalid_input", `plans.${name}: ${formatIssues(parsed.error)}`);
    return { ...parsed.data, name };
  });
  const byName = new Map(all.map((p) => [p.name, p]));
  const get = (name: string): Plan => {
    const plan = byName.get(name);
    if (!plan)
      throw new AimsError(
        "invalid_input",
        `no plan is called ${name}: the plans are ${all.map((p) => p.name).join(", ")} (aims plans list)`,
      );
    return plan;
  };
  const fallback = byName.get(defaultPlan);
  if (!fallback)
    throw new AimsError(
      "invalid_input",
      `defaultPlan ${defaultPlan} is not a plan: the plans are ${all.map((p) => p.name).join(", ")}`,
    );
  return { all, get, defaultPlan: fallback };
}

import type { Plug } from "../../domain/manifest.js";

/** What a secret input's value reads as wherever people see arguments (approvals, audit, chat turns). */
export const SECRET_SHOWN = "(secret)";

/** `inputs` with the values of the plug's secret inputs replaced, for people to read. */
export function redactInputs(plug: Plug | undefined, inputs: Record<string, string>): Record<string, string> {
  const secret = new Set(plug?.inputs.filter((i) => i.type === "secret").map((i) => i.key) ?? []);
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, secret.has(k) || !plug ? SECRET_SHOWN : v]),
  );
}

import type { ComposeService } from "./composeModel.js";
import { parseCpus, parseSize } from "./composeValues.js";
import type { Findings } from "./composeVariables.js";
import { isMapping } from "./parseCompose.js";

/** What `readResources` fills in on a service. */
export interface ImportedSizing {
  resources?: { cpu?: number; memory?: number; pids?: number };
  replicas?: number;
}

/** `deploy.resources.limits`, `mem_limit`, `cpus`, `pids_limit`, `deploy.replicas` and `scale`. */
export function readResources(
  service: string,
  svc: ComposeService,
  out: ImportedSizing,
  findings: Findings,
): void {
  const resources: { cpu?: number; memory?: number; pids?: number } = {};
  const deploy = svc.deploy;
  let limits: Record<string, unknown> = {};
  if (deploy !== undefined) {
    if (!isMapping(deploy)) findings.refuse(service, "deploy", "must be a mapping");
    else {
      for (const key of Object.keys(deploy))
        if (key !== "resources" && key !== "replicas" && !key.startsWith("x-"))
          findings.ignore(
            service,
            `deploy.${key}`,
            "only deploy.resources.limits and deploy.replicas are used",
          );
      const res = deploy.resources;
      if (isMapping(res)) {
        if (isMapping(res.limits)) limits = res.limits;
        for (const key of Object.keys(res))
          if (key !== "limits") findings.ignore(service, `deploy.resources.${key}`, "only limits are set");
      }
      if (deploy.replicas !== undefined) replicas(service, "deploy.replicas", deploy.replicas, out, findings);
    }
  }
  if (svc.scale !== undefined) replicas(service, "scale", svc.scale, out, findings);
  const cpus = limits.cpus ?? svc.cpus;
  if (cpus !== undefined) {
    const n = parseCpus(cpus);
    if (typeof n === "string") findings.refuse(service, "cpus", n);
    else resources.cpu = Math.min(64, n);
  }
  const memory = limits.memory ?? svc.mem_limit;
  if (memory !== undefined) {
    const bytes = parseSize(memory);
    if (typeof bytes === "string") findings.refuse(service, "mem_limit", bytes);
    else if (bytes < 6 * 1024 * 1024)
      findings.refuse(
        service,
        "mem_limit",
        `${String(memory)} is below the engine's least memory limit of 6 MiB`,
      );
    else resources.memory = bytes;
  }
  const pids = limits.pids ?? svc.pids_limit;
  if (pids !== undefined) {
    const n = Number(pids);
    if (!Number.isInteger(n)) findings.refuse(service, "pids_limit", `${String(pids)} is not a whole number`);
    else if (n <= 0)
      findings.change(service, "pids_limit", "unlimited is replaced by the plan's default limit");
    else resources.pids = Math.min(32768, Math.max(16, n));
  }
  if (Object.keys(resources).length) out.resources = resources;
  else
    findings.change(service, "deploy.resources", "no limits given: the tenant's plan's default limits apply");
}

function replicas(
  service: string,
  key: string,
  value: unknown,
  out: ImportedSizing,
  findings: Findings,
): void {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    findings.refuse(service, key, `${String(value)} is not a number of replicas from 1 to 20`);
  else out.replicas = n;
}

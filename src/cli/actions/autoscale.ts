import type { Command } from "commander";
import {
  type AutoscalePolicyView,
  listAutoscaleViews,
  removeAutoscalePolicy,
  setAutoscalePolicy,
} from "../../autoscale/autoscalePolicies.js";
import { autoscalePolicyInput } from "../../domain/autoscale.js";
import { AimsError } from "../../domain/errors.js";
import { formatIssues } from "../../domain/zodIssues.js";
import { hostCaller } from "../../tenancy/principal.js";
import { cliActor, withPlatform } from "../context.js";
import { printJson, printTable } from "../output.js";

const caller = () => hostCaller(cliActor());
const FLAGS: Record<string, string> = {
  min: "--min",
  max: "--max",
  cpuPercent: "--cpu",
  memoryPercent: "--memory",
  cooldownSeconds: "--cooldown",
};

/** One line of a policy: its range, targets and cooldown. */
function policyText(v: AutoscalePolicyView): string {
  const memory = v.memoryPercent === null ? "" : `, memory ${v.memoryPercent}%`;
  const cooldown = v.cooldownSeconds === null ? "default cooldown" : `cooldown ${v.cooldownSeconds} s`;
  return `${v.min}-${v.max} replicas, CPU ${v.cpuPercent}%${memory}, ${cooldown}`;
}

/** `aims autoscale set <instance>`. */
export async function runAutoscaleSet(
  cmd: Command,
  instance: string,
  opts: {
    tenant: string;
    service: string;
    min: number;
    max: number;
    cpu: number;
    memory?: number;
    cooldown?: number;
    json?: boolean;
  },
) {
  const parsed = autoscalePolicyInput.safeParse({
    min: opts.min,
    max: opts.max,
    cpuPercent: opts.cpu,
    memoryPercent: opts.memory ?? null,
    cooldownSeconds: opts.cooldown ?? null,
  });
  if (!parsed.success)
    throw new AimsError(
      "invalid_input",
      formatIssues(parsed.error, { fieldName: (path) => FLAGS[String(path[0])] ?? path.join(".") }),
    );
  const view = await withPlatform(cmd, (p) =>
    setAutoscalePolicy(p, caller(), { tenant: opts.tenant, instance, service: opts.service }, parsed.data),
  );
  if (opts.json) return printJson(view);
  process.stdout.write(
    `autoscaling ${view.instance}/${view.service}: ${policyText(view)} (now ${view.replicas}); aims serve follows it\n`,
  );
}

/** `aims autoscale list [instance]`. */
export async function runAutoscaleList(
  cmd: Command,
  instance: string | undefined,
  opts: { tenant: string; json?: boolean },
) {
  const list = await withPlatform(cmd, (p) => listAutoscaleViews(p, caller(), opts.tenant, instance));
  if (opts.json) return printJson(list);
  if (!list.length) {
    process.stdout.write(`no autoscale policies for tenant ${opts.tenant}\n`);
    return;
  }
  printTable(
    ["INSTANCE", "SERVICE", "REPLICAS", "POLICY", "LAST STEP"],
    list.map((v) => [
      v.instance,
      v.service,
      String(v.replicas),
      policyText(v),
      v.pendingApproval
        ? `waiting for approval ${v.pendingApproval}`
        : v.lastDecision
          ? `${v.lastDecision.action} to ${v.lastDecision.to} at ${v.lastDecision.at.replace("T", " ").slice(0, 19)}: ${v.lastDecision.reason}`
          : "-",
    ]),
  );
}

/** `aims autoscale rm <instance> --service S`. */
export async function runAutoscaleRemove(
  cmd: Command,
  instance: string,
  opts: { tenant: string; service: string; json?: boolean },
) {
  const result = await withPlatform(cmd, (p) =>
    removeAutoscalePolicy(p, caller(), { tenant: opts.tenant, instance, service: opts.service }),
  );
  if (opts.json) return printJson(result);
  process.stdout.write(`removed the autoscale policy of ${result.instance}/${result.service}\n`);
}

import type { Command } from "commander";
import { countOf, formatCpus, formatSize } from "../../domain/quantities.js";
import type { Allowance } from "../../quota/usageView.js";
import type { TenantReport } from "../client/AimsClient.js";
import { withClient } from "../client/withClient.js";
import { printJson } from "../output.js";
import { limitText, resourcesText } from "./plans.js";

/** `aims tenant plan <tenant> <plan> [--force]`: moves a tenant to another plan (operator). */
export async function runTenantPlan(
  cmd: Command,
  tenant: string,
  plan: string,
  opts: { force?: boolean; json?: boolean },
): Promise<void> {
  const view = await withClient(cmd, (client) =>
    client.changeTenantPlan(tenant, { plan, force: Boolean(opts.force) }),
  );
  if (opts.json) return printJson(view);
  process.stdout.write(`tenant ${view.name} is on plan ${view.plan}\n`);
}

/** `aims tenant show <tenant>`: status, plan, limits and what the tenant uses of them. */
export async function runTenantShow(cmd: Command, tenant: string, opts: { json?: boolean }): Promise<void> {
  const report = await withClient(cmd, (client) => client.showTenant(tenant));
  if (opts.json) return printJson(report);
  process.stdout.write(describeTenant(report));
}

function line(label: string, a: Allowance, format: (v: number) => string = String): string {
  return `  ${label.padEnd(11)}${format(a.used)} of ${limitText(a.limit, format)}`;
}

/** The text of `aims tenant show`. */
export function describeTenant({ tenant, usage }: TenantReport): string {
  const cores = (v: number) => formatCpus(v);
  const lines = [
    `tenant ${tenant.name} (${tenant.status}), plan ${usage.plan}`,
    line("instances", usage.instances),
    line("volumes", usage.volumes),
    "  meant to run:",
    line("cpu", usage.cpu, cores),
    line("memory", usage.memory, formatSize),
    line("pids", usage.pids),
    `  per instance at most ${resourcesText(usage.perInstance)}; ${usage.replicasPerService === null ? "unlimited replicas" : countOf(usage.replicasPerService, "replica")} per service`,
  ];
  if (usage.over.length)
    lines.push(
      `  over its plan: ${usage.over.join(", ")} (growth is refused until the tenant is within the plan)`,
    );
  return `${lines.join("\n")}\n`;
}

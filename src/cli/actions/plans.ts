import type { Command } from "commander";
import { formatCpus, formatSize } from "../../domain/quantities.js";
import type { PublicPlan } from "../../plans/publicPlans.js";
import { withClient } from "../client/withClient.js";
import { printJson, printTable } from "../output.js";

/** A limit as a person reads it; null is unlimited. */
export function limitText(value: number | null, format: (v: number) => string = String): string {
  return value === null ? "unlimited" : format(value);
}

const cores = (v: number) => formatCpus(v).replace(/ CPUs?$/, "");

/** `1 cpu, 1g, 512 pids` (a plan's per-instance or total limits). */
export function resourcesText(r: PublicPlan["limits"]["total"]): string {
  if (r.cpu === null && r.memory === null && r.pids === null) return "unlimited";
  return `${limitText(r.cpu, cores)} cpu, ${limitText(r.memory, formatSize)}, ${limitText(r.pids)} pids`;
}

/** `aims plans list`: every plan with its limits and price; the plan new tenants get is marked. */
export async function runPlansList(cmd: Command, opts: { json?: boolean }): Promise<void> {
  const plans = await withClient(cmd, (client) => client.listPlans());
  if (opts.json) return printJson(plans);
  printTable(
    ["PLAN", "PRICE", "INSTANCES", "PER INSTANCE", "IN TOTAL", "VOLUMES", "REPLICAS", "FEATURES"],
    plans.map((p) => [
      `${p.name}${p.default ? " (default)" : ""}`,
      `${p.price.monthly} ${p.price.currency}/month`,
      limitText(p.limits.instances),
      resourcesText(p.limits.perInstance),
      resourcesText(p.limits.total),
      limitText(p.limits.volumes),
      limitText(p.limits.replicasPerService),
      Object.entries(p.features)
        .filter(([, on]) => on)
        .map(([name]) => name)
        .join(","),
    ]),
  );
}

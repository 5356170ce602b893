import { type Footprint, NO_FOOTPRINT, sumCpu } from "./footprint.js";
import type { Plan } from "./plans.js";
import { countOf, formatCpus, formatSize } from "./quantities.js";

/**
 * Quotas (docs/plans.md): what a tenant's plan allows against what it holds and what a change asks for. Pure:
 * src/quota/ reads the use from the store and calls these inside the change's transaction.
 */

/** One instance as quotas count it. */
export interface InstanceUse {
  name: string;
  /** Its desired state is running: its limits count toward the tenant's totals (and the host's capacity). */
  running: boolean;
  footprint: Footprint;
  replicas: Record<string, number>;
}

/** What a tenant holds: its instances (every one not being removed, whatever its state) and waiting kept volumes. */
export interface TenantUsage {
  tenant: string;
  instances: InstanceUse[];
  /** Kept volumes waiting to be reused or removed; one an instance mounts again counts with that instance. */
  keptVolumes: number;
}

/** A tenant's use in the units of its plan's limits: cpu, memory and pids are over instances meant to run. */
export interface UsageTotals {
  instances: number;
  volumes: number;
  cpu: number;
  memory: number;
  pids: number;
}

const RESOURCES = ["cpu", "memory", "pids"] as const;
type Resource = (typeof RESOURCES)[number];

export type QuotaLimit =
  | "instances"
  | "volumes"
  | "replicasPerService"
  | `perInstance.${Resource}`
  | `total.${Resource}`;

/** A limit a change (or a tenant's present use) goes over. */
export interface QuotaBreach {
  limit: QuotaLimit;
  allowed: number;
  /** The use now: the tenant's total, or the instance's (or service's) own value for a per-instance limit. */
  used: number;
  /** What it would be. */
  requested: number;
  instance?: string;
  service?: string;
}

/** A change, as quotas see it: the instance before (absent when it is new) and after. */
export interface QuotaRequest {
  /** How messages name the change: `this deploy`, `this update`, `this scale`, `starting it`. */
  what: string;
  before?: InstanceUse;
  after: InstanceUse;
  /** Kept volumes it mounts instead of new ones (they are counted already, as kept). */
  reusedVolumes?: number;
}

/** The tenant's use summed in the units of its plan's limits. */
export function usageTotals(usage: TenantUsage): UsageTotals {
  let running: Footprint = { ...NO_FOOTPRINT };
  let volumes = usage.keptVolumes;
  for (const i of usage.instances) {
    volumes += i.footprint.volumes;
    if (i.running) running = addFootprints(running, i.footprint);
  }
  return {
    instances: usage.instances.length,
    volumes,
    cpu: running.cpu,
    memory: running.memory,
    pids: running.pids,
  };
}

function addFootprints(a: Footprint, b: Footprint): Footprint {
  return {
    cpu: sumCpu(a.cpu, b.cpu),
    memory: a.memory + b.memory,
    pids: a.pids + b.pids,
    volumes: a.volumes + b.volumes,
  };
}

/** What `plan` allows for `limit`; null is unlimited. */
export function allowedBy(plan: Plan, limit: QuotaLimit): number | null {
  if (limit === "instances" || limit === "volumes" || limit === "replicasPerService")
    return plan.limits[limit];
  const [scope, key] = limit.split(".") as ["perInstance" | "total", Resource];
  return plan.limits[scope][key];
}

/** Over a limit only when it grows: a tenant already over (a forced downgrade) keeps what it has. */
const over = (allowed: number | null, before: number, after: number) =>
  allowed !== null && after > allowed && after > before;

/**
 * The first limit of `plan` that `request` goes over, or undefined when it fits: instances, then each
 * per-instance limit, replicas per service, the totals of instances meant to run, volumes. Only growth is
 * refused, so a tenant over its plan (moved to a smaller one with --force) may still shrink or change in place.
 * @example checkQuota(starter, usage, { what: "this deploy", after: { name: "web", running: true, footprint, replicas } })
 */
export function checkQuota(plan: Plan, usage: TenantUsage, request: QuotaRequest): QuotaBreach | undefined {
  const { before, after } = request;
  const name = after.name;
  const totals = usageTotals(usage);
  if (!before && over(plan.limits.instances, totals.instances, totals.instances + 1))
    return {
      limit: "instances",
      allowed: plan.limits.instances!,
      used: totals.instances,
      requested: totals.instances + 1,
    };
  for (const key of RESOURCES) {
    const allowed = plan.limits.perInstance[key];
    const was = before?.footprint[key] ?? 0;
    if (over(allowed, was, after.footprint[key]))
      return {
        limit: `perInstance.${key}`,
        allowed: allowed!,
        used: was,
        requested: after.footprint[key],
        instance: name,
      };
  }
  for (const [service, replicas] of Object.entries(after.replicas)) {
    const allowed = plan.limits.replicasPerService;
    const was = before?.replicas[service] ?? 0;
    if (over(allowed, was, replicas))
      return {
        limit: "replicasPerService",
        allowed: allowed!,
        used: was,
        requested: replicas,
        instance: name,
        service,
      };
  }
  for (const key of RESOURCES) {
    const grows = (after.running ? after.footprint[key] : 0) - (before?.running ? before.footprint[key] : 0);
    const requested = key === "cpu" ? sumCpu(totals.cpu, grows) : totals[key] + grows;
    if (over(plan.limits.total[key], totals[key], requested))
      return { limit: `total.${key}`, allowed: plan.limits.total[key]!, used: totals[key], requested };
  }
  const added = after.footprint.volumes - (before?.footprint.volumes ?? 0) - (request.reusedVolumes ?? 0);
  if (over(plan.limits.volumes, totals.volumes, totals.volumes + added))
    return {
      limit: "volumes",
      allowed: plan.limits.volumes!,
      used: totals.volumes,
      requested: totals.volumes + added,
    };
  return undefined;
}

/** Every limit of `plan` the tenant's present use is over (what a move to a smaller plan would break). */
export function limitsOver(plan: Plan, usage: TenantUsage): QuotaBreach[] {
  const totals = usageTotals(usage);
  const out: QuotaBreach[] = [];
  for (const limit of ["instances", "volumes"] as const) {
    const allowed = plan.limits[limit];
    if (allowed !== null && totals[limit] > allowed)
      out.push({ limit, allowed, used: totals[limit], requested: totals[limit] });
  }
  for (const key of RESOURCES) {
    const allowed = plan.limits.total[key];
    if (allowed !== null && totals[key] > allowed)
      out.push({ limit: `total.${key}`, allowed, used: totals[key], requested: totals[key] });
  }
  for (const i of usage.instances) {
    for (const key of RESOURCES) {
      const allowed = plan.limits.perInstance[key];
      if (allowed !== null && i.footprint[key] > allowed)
        out.push({
          limit: `perInstance.${key}`,
          allowed,
          used: i.footprint[key],
          requested: i.footprint[key],
          instance: i.name,
        });
    }
    const allowed = plan.limits.replicasPerService;
    for (const [service, replicas] of Object.entries(i.replicas))
      if (allowed !== null && replicas > allowed)
        out.push({
          limit: "replicasPerService",
          allowed,
          used: replicas,
          requested: replicas,
          instance: i.name,
          service,
        });
  }
  return out;
}

/** The first plan other than `current`, in the install's order, that allows what the breach asked for. */
export function planThatFits(plans: readonly Plan[], current: Plan, breach: QuotaBreach): Plan | undefined {
  return plans.find((p) => {
    if (p.name === current.name) return false;
    const allowed = allowedBy(p, breach.limit);
    return allowed === null || allowed >= breach.requested;
  });
}

function amount(limit: QuotaLimit, value: number): string {
  if (limit.endsWith("cpu")) return formatCpus(value);
  if (limit.endsWith("memory")) return `${formatSize(value)} of memory`;
  if (limit.endsWith("pids")) return countOf(value, "process", "processes");
  if (limit === "replicasPerService") return countOf(value, "replica");
  return countOf(value, limit === "instances" ? "instance" : "volume");
}

/** `(web, api, …)`: the first few names. */
function someOf(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(", ")}, …` : names.join(", ");
}

/** What holds the use a total limit counts: `web 1g, api 512m`. */
function holders(usage: TenantUsage, key: Resource): string {
  const parts = usage.instances
    .filter((i) => i.running && i.footprint[key] > 0)
    .map((i) => `${i.name} ${key === "memory" ? formatSize(i.footprint[key]) : trimmed(i.footprint[key])}`);
  return parts.length ? ` (${someOf(parts)})` : "";
}

const trimmed = (v: number) => String(Number(v.toFixed(2)));

/**
 * The refusal of a change over a quota: the limit, the use, the request, and how to get more (a plan that
 * fits, or the operator's config when none does).
 * @example "tenant acme is on plan starter, which allows 2 instances; it has 2 (web, api). Remove one (aims rm), or move the tenant to a bigger plan: aims tenant plan acme team (operator)"
 */
export function quotaRefusal(
  plans: readonly Plan[],
  plan: Plan,
  usage: TenantUsage,
  request: QuotaRequest,
  breach: QuotaBreach,
): string {
  const { limit, allowed, used, requested } = breach;
  const allows = `tenant ${usage.tenant} is on plan ${plan.name}, which allows`;
  let said: string;
  let remedy: string;
  if (limit === "instances") {
    said = `${allows} ${amount(limit, allowed)}; it has ${used} (${someOf(usage.instances.map((i) => i.name))})`;
    remedy = "Remove one (aims rm)";
  } else if (limit === "volumes") {
    const kept = usage.keptVolumes;
    said = `${allows} ${amount(limit, allowed)}; it has ${used} (${used - kept} of its instances, ${kept} kept) and ${request.what} needs ${requested - used} more`;
    remedy = `Remove one (a kept one with aims volumes rm, see aims volumes list --tenant ${usage.tenant})`;
  } else if (limit === "replicasPerService") {
    said = `${allows} ${amount(limit, allowed)} per service; ${breach.instance} would run ${amount(limit, requested)} of service ${breach.service}`;
    remedy = "Ask for fewer";
  } else if (limit.startsWith("perInstance.")) {
    said = `${allows} ${amount(limit, allowed)} per instance; ${breach.instance} would be given ${amount(limit, requested)}`;
    remedy = "Ask for less";
  } else {
    const key = limit.slice("total.".length) as Resource;
    said = `${allows} ${amount(limit, allowed)} in total to instances meant to run; they are given ${amount(limit, used)}${holders(usage, key)} and ${request.what} needs ${amount(limit, requested - used)} more`;
    remedy = "Stop or remove an instance";
  }
  return `${said}. ${remedy}, or ${raise(plans, plan, usage.tenant, breach)}`;
}

function raise(plans: readonly Plan[], plan: Plan, tenant: string, breach: QuotaBreach): string {
  const bigger = planThatFits(plans, plan, breach);
  return bigger
    ? `move the tenant to a bigger plan: aims tenant plan ${tenant} ${bigger.name} (operator)`
    : `ask the operator to raise limits.${breach.limit} of plan ${plan.name} (config.yaml plans:, docs/plans.md)`;
}

/** One breach of a tenant's present use, for a refused downgrade: `3 instances (allows 2)`. */
function overText(b: QuotaBreach): string {
  const allows = amount(b.limit, b.allowed);
  if (b.limit === "replicasPerService")
    return `instance ${b.instance} runs ${amount(b.limit, b.used)} of service ${b.service} (allows ${allows} per service)`;
  if (b.limit.startsWith("perInstance."))
    return `instance ${b.instance} is given ${amount(b.limit, b.used)} (allows ${allows} per instance)`;
  if (b.limit.startsWith("total."))
    return `${amount(b.limit, b.used)} in total to instances meant to run (allows ${allows})`;
  return `${amount(b.limit, b.used)} (allows ${b.allowed})`;
}

/** The refusal of a move to a plan the tenant's present use is over, naming each limit. */
export function downgradeRefusal(tenant: string, plan: Plan, breaches: readonly QuotaBreach[]): string {
  return `tenant ${tenant} uses more than plan ${plan.name} allows: ${breaches.map(overText).join("; ")}. Remove or stop what is over first, or force the change: aims tenant plan ${tenant} ${plan.name} --force (what runs keeps running; growth is refused until the tenant is within the plan)`;
}

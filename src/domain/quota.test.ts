import { describe, expect, it } from "vitest";
import { loadPlans } from "../plans/loadPlans.js";
import type { Footprint } from "./footprint.js";
import { hostCapacityRefusal } from "./hostCapacity.js";
import {
  checkQuota,
  downgradeRefusal,
  type InstanceUse,
  limitsOver,
  planThatFits,
  type QuotaRequest,
  quotaRefusal,
  type TenantUsage,
  usageTotals,
} from "./quota.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const plans = loadPlans({}, "team");
const starter = plans.get("starter");
const sovereign = plans.get("sovereign");

const size = (cpu: number, memory: number, pids = 64, volumes = 0): Footprint => ({
  cpu,
  memory,
  pids,
  volumes,
});
const use = (name: string, footprint: Footprint, running = true, replicas = { web: 1 }): InstanceUse => ({
  name,
  running,
  footprint,
  replicas,
});
const usage = (instances: InstanceUse[], keptVolumes = 0): TenantUsage => ({
  tenant: "acme",
  instances,
  keptVolumes,
});
const deploy = (after: InstanceUse, reusedVolumes = 0): QuotaRequest => ({
  what: "this deploy",
  after,
  reusedVolumes,
});
const refusal = (u: TenantUsage, r: QuotaRequest, plan = starter) => {
  const breach = checkQuota(plan, u, r);
  return breach && quotaRefusal(plans.all, plan, u, r, breach);
};

describe("checkQuota", () => {
  const two = usage([use("web", size(0.25, 64 * MiB)), use("api", size(0.25, 64 * MiB))]);

  it("refuses a starter tenant's third instance, naming the limit, the use and the plan that fits", () => {
    expect(refusal(two, deploy(use("third", size(0.25, 64 * MiB))))).toBe(
      "tenant acme is on plan starter, which allows 2 instances; it has 2 (web, api). Remove one (aims rm), or move the tenant to a bigger plan: aims tenant plan acme team (operator)",
    );
  });

  it("counts stopped instances as instances, but not toward what runs", () => {
    const stopped = usage([use("web", size(1, GiB), false)]);
    expect(usageTotals(stopped)).toEqual({ instances: 1, volumes: 0, cpu: 0, memory: 0, pids: 0 });
    expect(checkQuota(starter, stopped, deploy(use("api", size(1, GiB))))).toBeUndefined();
    expect(
      checkQuota(
        starter,
        usage([...stopped.instances, use("x", size(0.1, MiB))]),
        deploy(use("y", size(0.1, MiB))),
      ),
    ).toMatchObject({ limit: "instances", allowed: 2, used: 2, requested: 3 });
  });

  it("refuses more than the plan allows one instance, rather than clamping it", () => {
    expect(refusal(usage([]), deploy(use("big", size(0.5, 2 * GiB))))).toBe(
      "tenant acme is on plan starter, which allows 1g of memory per instance; big would be given 2g of memory. Ask for less, or move the tenant to a bigger plan: aims tenant plan acme team (operator)",
    );
    expect(checkQuota(starter, usage([]), deploy(use("cpu", size(1.5, MiB))))).toMatchObject({
      limit: "perInstance.cpu",
      allowed: 1,
      requested: 1.5,
    });
  });

  it("caps replicas per service, and says which service", () => {
    const web = use("web", size(0.25, 64 * MiB));
    const scaled = use("web", size(0.5, 128 * MiB), true, { web: 2 });
    expect(refusal(usage([web]), { what: "this scale", before: web, after: scaled })).toMatch(
      /^tenant acme is on plan starter, which allows 1 replica per service; web would run 2 replicas of service web\. Ask for fewer, or move the tenant to a bigger plan: aims tenant plan acme team \(operator\)$/,
    );
  });

  it("refuses growth past the total of instances meant to run, listing what holds it", () => {
    const u = usage([use("web", size(0.5, GiB)), use("off", size(1.75, GiB), false)]);
    const update: QuotaRequest = {
      what: "this update",
      before: u.instances[0]!,
      after: use("web", size(0.5, GiB)),
    };
    expect(checkQuota(starter, u, update)).toBeUndefined();
    const start: QuotaRequest = {
      what: "starting off",
      before: u.instances[1]!,
      after: use("off", size(1.75, GiB)),
    };
    expect(refusal(u, start)).toBe(
      "tenant acme is on plan starter, which allows 2 CPUs in total to instances meant to run; they are given 0.5 CPU (web 0.5) and starting off needs 1.75 CPUs more. Stop or remove an instance, or move the tenant to a bigger plan: aims tenant plan acme team (operator)",
    );
  });

  it("adds CPU without float noise: 0.1 + 0.2 of a 0.3 plan fits", () => {
    const tight = { ...starter, limits: { ...starter.limits, total: { ...starter.limits.total, cpu: 0.3 } } };
    expect(
      checkQuota(tight, usage([use("a", size(0.1, MiB))]), deploy(use("b", size(0.2, MiB)))),
    ).toBeUndefined();
  });

  it("counts instance volumes and waiting kept volumes; reused kept volumes are not counted twice", () => {
    const u = usage([use("db", size(0.25, 64 * MiB, 64, 2))], 2);
    expect(usageTotals(u).volumes).toBe(4);
    expect(checkQuota(starter, u, deploy(use("db2", size(0.25, 64 * MiB, 64, 1), false)))).toMatchObject({
      limit: "volumes",
      allowed: 4,
      used: 4,
      requested: 5,
    });
    expect(checkQuota(starter, u, deploy(use("db2", size(0.25, 64 * MiB, 64, 1)), 1))).toBeUndefined();
    expect(refusal(u, deploy(use("db2", size(0.25, 64 * MiB, 64, 1))))).toMatch(
      /which allows 4 volumes; it has 4 \(2 of its instances, 2 kept\) and this deploy needs 1 more\. Remove one \(a kept one with aims volumes rm, see aims volumes list --tenant acme\), or move the tenant to a bigger plan: aims tenant plan acme team/,
    );
  });

  it("lets a tenant over its plan shrink or change in place, and refuses it growth", () => {
    const big = use("big", size(2, 3 * GiB));
    const u = usage([big, use("b", size(0.5, MiB)), use("c", size(0.5, MiB))]);
    expect(
      checkQuota(starter, u, { what: "this update", before: big, after: use("big", size(1, 3 * GiB)) }),
    ).toBeUndefined();
    expect(checkQuota(starter, u, { what: "this update", before: big, after: big })).toBeUndefined();
    expect(
      checkQuota(starter, u, { what: "this update", before: big, after: use("big", size(2, 4 * GiB)) }),
    ).toMatchObject({
      limit: "perInstance.memory",
    });
    expect(checkQuota(starter, u, deploy(use("d", size(0.1, MiB))))).toMatchObject({
      limit: "instances",
      used: 3,
    });
  });

  it("lets everything through on an unlimited plan", () => {
    const many = usage(Array.from({ length: 500 }, (_, i) => use(`i${i}`, size(64, 64 * GiB, 32768, 10))));
    expect(checkQuota(sovereign, many, deploy(use("more", size(64, 64 * GiB, 32768, 10))))).toBeUndefined();
    expect(limitsOver(sovereign, many)).toEqual([]);
  });

  it("names the operator's config when no plan fits", () => {
    const u = usage([]);
    const r = deploy(use("huge", size(0.5, 100 * GiB)));
    const breach = checkQuota(plans.get("business"), u, r)!;
    expect(planThatFits(plans.all, plans.get("business"), breach)?.name).toBe("sovereign");
    const noUnlimited = loadPlans({ sovereign: { limits: { perInstance: { memory: 64 * GiB } } } }, "team");
    expect(quotaRefusal(noUnlimited.all, noUnlimited.get("business"), u, r, breach)).toMatch(
      /or ask the operator to raise limits\.perInstance\.memory of plan business \(config\.yaml plans:, docs\/plans\.md\)$/,
    );
  });
});

describe("limitsOver and the downgrade refusal", () => {
  it("names every limit the tenant's present use is over", () => {
    const u = usage([
      use("a", size(2, 512 * MiB), true, { web: 2 }),
      use("b", size(0.5, 512 * MiB)),
      use("c", size(0.5, 2 * GiB), false),
    ]);
    const breaches = limitsOver(starter, u);
    expect(breaches.map((b) => `${b.limit}${b.instance ? `:${b.instance}` : ""}`)).toEqual([
      "instances",
      "total.cpu",
      "perInstance.cpu:a",
      "replicasPerService:a",
      "perInstance.memory:c",
    ]);
    expect(downgradeRefusal("acme", starter, breaches)).toBe(
      "tenant acme uses more than plan starter allows: 3 instances (allows 2); 2.5 CPUs in total to instances meant to run (allows 2 CPUs); instance a is given 2 CPUs (allows 1 CPU per instance); instance a runs 2 replicas of service web (allows 1 replica per service); instance c is given 2g of memory (allows 1g of memory per instance). Remove or stop what is over first, or force the change: aims tenant plan acme starter --force (what runs keeps running; growth is refused until the tenant is within the plan)",
    );
  });
});

describe("hostCapacityRefusal", () => {
  const host = { memoryBytes: 24 * GiB, memoryOvercommit: 1.5, cpus: 4 };

  it("refuses memory past the host's memory times the overcommit, with the numbers", () => {
    expect(
      hostCapacityRefusal(host, { cpu: 1, memory: 30.5 * GiB }, { cpu: 1, memory: 8 * GiB }, "this deploy"),
    ).toBe(
      "host capacity: instances meant to run are given 30.5g of 36g (24g × 1.5); this deploy needs 8g more. Stop or remove instances, or the operator raises capacity.memoryOvercommit in config.yaml (docs/plans.md)",
    );
    expect(
      hostCapacityRefusal(host, { cpu: 1, memory: 28 * GiB }, { cpu: 1, memory: 8 * GiB }, "x"),
    ).toBeUndefined();
  });

  it("checks CPU only when cpuOvercommit is set, and never refuses a change that adds nothing", () => {
    const load = { cpu: 100, memory: 40 * GiB };
    expect(hostCapacityRefusal(host, load, { cpu: 1, memory: 0 }, "x")).toBeUndefined();
    expect(
      hostCapacityRefusal(
        { ...host, cpuOvercommit: 2 },
        { cpu: 7.5, memory: 0 },
        { cpu: 1, memory: 0 },
        "this scale",
      ),
    ).toBe(
      "host capacity: instances meant to run are given 7.5 CPUs of 8 CPUs (4 × 2); this scale needs 1 CPU more. Stop or remove instances, or the operator raises capacity.cpuOvercommit in config.yaml (docs/plans.md)",
    );
  });
});

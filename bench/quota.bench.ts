import { newSpec } from "../src/domain/instanceSpec.js";
import { newId } from "../src/domain/names.js";
import { checkQuota } from "../src/domain/quota.js";
import { instanceChange } from "../src/lifecycle/changeRecord.js";
import type { Platform } from "../src/platform.js";
import { enforceQuota } from "../src/quota/enforceQuota.js";
import { planOf } from "../src/quota/tenantPlan.js";
import { instanceUse, readTenantUsage } from "../src/quota/tenantUsage.js";
import { withTransaction } from "../src/store/database.js";
import { insertInstance, insertRevision } from "../src/store/instanceRepository.js";
import { recordChange } from "../src/store/recordChange.js";
import { insertTenant, type TenantRow } from "../src/store/tenantRepository.js";
import { benchActor, benchPlatform, readyInstanceRow } from "./platformFixture.js";
import { percentile } from "./stats.js";
import { summarizeTimings } from "./summary.js";

/** Thrown to roll a measured transaction back, so every round sees the same store. */
class RollBack extends Error {}

const PER_TENANT = 100;
const OTHERS = 300;

/** 100 instances in each measured tenant and 300 more elsewhere: the host's load reads all 500. */
async function seed(p: Platform): Promise<{ sovereign: TenantRow; starter: TenantRow }> {
  const entry = p.catalog.get("static-site");
  const spec = JSON.stringify(newSpec(entry, {}, p.plans.defaultPlan.defaultResources));
  return withTransaction(p.store.db, async (trx) => {
    const sovereign = await insertTenant(trx, { name: "q-sovereign", plan: "sovereign" });
    const starter = await insertTenant(trx, { name: "q-starter", plan: "starter" });
    const others: TenantRow[] = [];
    for (let t = 0; t < 3; t++)
      others.push(await insertTenant(trx, { name: `q-other-${t}`, plan: "sovereign" }));
    const owners = [
      ...Array.from({ length: PER_TENANT }, () => sovereign),
      ...Array.from({ length: PER_TENANT }, () => starter),
      ...Array.from({ length: OTHERS }, (_, i) => others[i % 3]!),
    ];
    for (const [i, tenant] of owners.entries())
      await insertInstance(
        trx,
        readyInstanceRow({
          id: newId(),
          tenant_id: tenant.id,
          name: `i${i}`,
          plug_id: entry.plug.id,
          plug_version: entry.plug.version,
          spec,
        }),
      );
    return { sovereign, starter };
  });
}

const row = (label: string, values: number[], baseline?: number[]) => {
  const p50 = percentile(values, 50);
  const ratio = baseline ? `  ratio ${(p50 / percentile(baseline, 50)).toFixed(2)}x` : "";
  return `${label.padEnd(58)} p50 ${p50.toFixed(3).padStart(8)} ms  p99 ${percentile(values, 99).toFixed(3).padStart(8)} ms  n=${values.length}${ratio}`;
};

/**
 * The cost of the quota check per deploy, in-process on SQLite: a deploy's own store transaction (the instance,
 * its revision, event and audit, rolled back) without the check, then with it for a tenant on sovereign (no
 * limits: the use is still read) and on starter given headroom (every limit evaluated, none reached); the check
 * alone; and the pure check on a use already read. Rounds are interleaved, so drift affects every variant alike.
 */
export async function benchQuota(rounds = 400): Promise<string[]> {
  const { p, dispose } = await benchPlatform(
    { min: 57100, max: 57199 },
    {
      plans: {
        starter: {
          limits: {
            instances: 1000,
            volumes: 1000,
            total: { cpu: "unlimited", memory: "unlimited", pids: "unlimited" },
          },
        },
      },
    },
  );
  const out: string[] = [];
  try {
    const tenants = await seed(p);
    const entry = p.catalog.get("static-site");
    const request = {
      what: "this deploy",
      after: instanceUse("new", newSpec(entry, {}, p.plans.defaultPlan.defaultResources), true),
    };
    const spec = JSON.stringify(newSpec(entry, {}, p.plans.defaultPlan.defaultResources));

    /** A deploy's writes, as configure() makes them, with the check first when `tenant` is checked. */
    const deployTransaction = async (tenant: TenantRow, checked: boolean) => {
      try {
        await withTransaction(p.store.db, async (trx) => {
          if (checked) await enforceQuota(trx, p, tenant, request);
          const instance = await insertInstance(
            trx,
            readyInstanceRow({
              id: newId(),
              tenant_id: tenant.id,
              name: "new",
              plug_id: entry.plug.id,
              plug_version: entry.plug.version,
              spec,
            }),
          );
          await insertRevision(trx, {
            instance_id: instance.id,
            revision: 1,
            plug_version: entry.plug.version,
            spec,
            changes: "{}",
            actor: benchActor.id,
          });
          await recordChange(
            trx,
            instanceChange(benchActor, tenant, instance, {
              event: "instance.created",
              action: "instance.deploy",
            }),
          );
          throw new RollBack();
        });
      } catch (err) {
        if (!(err instanceof RollBack)) throw err;
      }
    };
    const checkAlone = async (tenant: TenantRow) => {
      try {
        await withTransaction(p.store.db, async (trx) => {
          await enforceQuota(trx, p, tenant, request);
          throw new RollBack();
        });
      } catch (err) {
        if (!(err instanceof RollBack)) throw err;
      }
    };
    const usage = await readTenantUsage(p.store.db, tenants.starter);
    const starterPlan = planOf(p.plans, tenants.starter);

    const t = {
      base: [] as number[],
      sovereign: [] as number[],
      starter: [] as number[],
      alone: [] as number[],
      pure: [] as number[],
    };
    const time = async (into: number[], run: () => Promise<unknown> | unknown) => {
      const t0 = performance.now();
      await run();
      into.push(performance.now() - t0);
    };
    for (let i = 0; i < rounds + 20; i++) {
      const keep = i >= 20; // the first rounds warm the statement cache and the JIT
      const sink = (values: number[]) => (keep ? values : []);
      await time(sink(t.base), () => deployTransaction(tenants.sovereign, false));
      await time(sink(t.sovereign), () => deployTransaction(tenants.sovereign, true));
      await time(sink(t.starter), () => deployTransaction(tenants.starter, true));
      await time(sink(t.alone), () => checkAlone(tenants.starter));
      await time(sink(t.pure), () => {
        if (checkQuota(starterPlan, usage, request))
          throw new Error("the bench's starter plan has no headroom");
      });
    }
    out.push(
      `quota check per deploy (in-process, SQLite; ${PER_TENANT} instances in the tenant, ${2 * PER_TENANT + OTHERS} on the host)`,
    );
    summarizeTimings("deploy transaction + quota check (starter)", t.starter, {
      label: "deploy transaction, no check",
      values: t.base,
    });
    out.push(row("  deploy transaction, no check (baseline)", t.base));
    out.push(row("  deploy transaction + check, tenant on sovereign", t.sovereign, t.base));
    out.push(row("  deploy transaction + check, starter with headroom", t.starter, t.base));
    out.push(row("  the check alone (lock, read use and host load, decide)", t.alone, t.base));
    out.push(row("  the pure decision on a use already read (checkQuota)", t.pure, t.base));
  } finally {
    await dispose();
  }
  return out;
}

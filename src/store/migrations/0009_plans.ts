import { type Kysely, sql } from "kysely";

/**
 * Plans (issue "Plans and quotas"): every tenant has one plan, by name (plans/plans.yaml + config.yaml's
 * `plans:`). Tenants that exist when this runs are put on the install's `defaultPlan`, written out, so a later
 * change of `defaultPlan` moves only tenants created after it.
 */
export function plans(defaultPlan: string) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("tenants").addColumn("plan", "text").execute();
      await sql`update tenants set plan = ${defaultPlan} where plan is null`.execute(db);
    },
  };
}

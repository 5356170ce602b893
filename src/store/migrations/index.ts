import type { Kysely, Migration, MigrationProvider } from "kysely";

/** What a migration may need to know of the install: 0009 puts existing tenants on `defaultPlan`. */
export interface MigrationSettings {
  defaultPlan: string;
}

/** A migration whose module is loaded when it runs: opening a store with nothing pending loads none of them. */
function lazy(load: () => Promise<{ up(db: Kysely<unknown>): Promise<void> }>): Migration {
  return { up: async (db) => (await load()).up(db) };
}

/**
 * Every migration, in order. Forward-only: never edit or remove an entry once released; add `0002_...` instead.
 * A static map (no directory scan) works the same from dist/ and from tsx.
 */
export function migrationsFor(settings: MigrationSettings): Readonly<Record<string, Migration>> {
  return {
    "0001_initial": lazy(() => import("./0001_initial.js")),
    "0002_reconciler": lazy(() => import("./0002_reconciler.js")),
    "0003_people_and_keys": lazy(() => import("./0003_people_and_keys.js")),
    "0004_routes": lazy(() => import("./0004_routes.js")),
    "0005_desired_state": lazy(() => import("./0005_desired_state.js")),
    "0006_history": lazy(() => import("./0006_history.js")),
    "0007_kept_volumes": lazy(() => import("./0007_kept_volumes.js")),
    "0008_accounts": lazy(() => import("./0008_accounts.js")),
    "0009_plans": lazy(async () => (await import("./0009_plans.js")).plans(settings.defaultPlan)),
    "0010_rate_limits": lazy(() => import("./0010_rate_limits.js")),
    "0011_operator_actions": lazy(() => import("./0011_operator_actions.js")),
    "0012_acheevy": lazy(() => import("./0012_acheevy.js")),
    "0013_private_plugs": lazy(() => import("./0013_private_plugs.js")),
    "0015_resource_samples": lazy(() => import("./0015_resource_samples.js")),
    "0016_alerts": lazy(() => import("./0016_alerts.js")),
    "0017_network_pool": lazy(() => import("./0017_network_pool.js")),
    "0018_autoscale": lazy(() => import("./0018_autoscale.js")),
  };
}

/** Every migration, for an install on the shipped `defaultPlan` (tests). */
export const migrations = migrationsFor({ defaultPlan: "team" });

/** A MigrationProvider over a fixed map of migrations. */
export function staticMigrationProvider(map: Readonly<Record<string, Migration>>): MigrationProvider {
  return { getMigrations: async () => ({ ...map }) };
}

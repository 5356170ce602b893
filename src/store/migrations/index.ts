import type { Migration, MigrationProvider } from "kysely";
import * as initial from "./0001_initial.js";
import * as reconciler from "./0002_reconciler.js";
import * as peopleAndKeys from "./0003_people_and_keys.js";
import * as routes from "./0004_routes.js";
import * as desiredState from "./0005_desired_state.js";
import * as history from "./0006_history.js";
import * as keptVolumes from "./0007_kept_volumes.js";
import * as accounts from "./0008_accounts.js";
import { plans } from "./0009_plans.js";
import * as rateLimits from "./0010_rate_limits.js";
import * as operatorActions from "./0011_operator_actions.js";
import * as acheevy from "./0012_acheevy.js";
import * as privatePlugs from "./0013_private_plugs.js";
import * as resourceSamples from "./0015_resource_samples.js";
import * as alerts from "./0016_alerts.js";
import * as networkPool from "./0017_network_pool.js";
import * as autoscale from "./0018_autoscale.js";

/** What a migration may need to know of the install: 0009 puts existing tenants on `defaultPlan`. */
export interface MigrationSettings {
  defaultPlan: string;
}

/**
 * Every migration, in order. Forward-only: never edit or remove an entry once released; add `0002_...` instead.
 * A static map (no directory scan) works the same from dist/ and from tsx.
 */
export function migrationsFor(settings: MigrationSettings): Readonly<Record<string, Migration>> {
  return {
    "0001_initial": { up: initial.up },
    "0002_reconciler": { up: reconciler.up },
    "0003_people_and_keys": { up: peopleAndKeys.up },
    "0004_routes": { up: routes.up },
    "0005_desired_state": { up: desiredState.up },
    "0006_history": { up: history.up },
    "0007_kept_volumes": { up: keptVolumes.up },
    "0008_accounts": { up: accounts.up },
    "0009_plans": plans(settings.defaultPlan),
    "0010_rate_limits": { up: rateLimits.up },
    "0011_operator_actions": { up: operatorActions.up },
    "0012_acheevy": { up: acheevy.up },
    "0013_private_plugs": { up: privatePlugs.up },
    "0015_resource_samples": { up: resourceSamples.up },
    "0016_alerts": { up: alerts.up },
    "0017_network_pool": { up: networkPool.up },
    "0018_autoscale": { up: autoscale.up },
  };
}

/** Every migration, for an install on the shipped `defaultPlan` (tests). */
export const migrations = migrationsFor({ defaultPlan: "team" });

/** A MigrationProvider over a fixed map of migrations. */
export function staticMigrationProvider(map: Readonly<Record<string, Migration>>): MigrationProvider {
  return { getMigrations: async () => ({ ...map }) };
}

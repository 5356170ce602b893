import type { Catalog } from "./catalog/loadCatalog.js";
import type { AimsConfig } from "./config.js";
import type { HostFirewall } from "./firewall/hostFirewall.js";
import type { BackgroundWork } from "./lifecycle/backgroundWork.js";
import type { Logger } from "./logger.js";
import type { Plans } from "./plans/loadPlans.js";
import type { Routes } from "./proxy/routeSync.js";
import type { ProgressSink, RuntimeDriver } from "./runtime/RuntimeDriver.js";
import type { Store } from "./store/database.js";
import type { InstanceRow } from "./store/instanceRepository.js";
import type { AccessChanges } from "./tenancy/accessChanges.js";

/**
 * What an operation (deploy, update, stop, a tenant or key change) is handed: the store and what it
 * needs to decide and record intent. It holds no driver: operations never touch the engine or the proxy;
 * they write desired state and ask the reconciler to make the world match.
 */
export interface OperationContext {
  readonly config: AimsConfig;
  readonly store: Store;
  /** The plug catalog, loaded on first use (a command that never reads it never parses it). */
  readonly catalog: Catalog;
  /** The install's plans (shipped + config.yaml), loaded on first use. */
  readonly plans: Plans;
  readonly masterKey: Buffer;
  readonly logger: Logger;
  /** Where operations that take access away say so, so open streams of that key or user are re-checked at once. */
  readonly accessChanges: AccessChanges;
  /**
   * Asks the reverse proxy to match the store soon; never waits, never throws. `withinMs`: the change may wait
   * that long (see `Routes.request`).
   */
  requestProxySync(options?: { withinMs?: number }): void;
  /** Fails with `unavailable` when the container engine does not answer, so no intent is recorded against it. */
  checkEngine(): Promise<void>;
  /**
   * Runs the reconciler for one instance (under its lease) until it settles, and returns the row: how
   * an entry waits for the intent it recorded to become the world.
   */
  settleInstance(instanceId: string, progress: ProgressSink): Promise<InstanceRow>;
  /** Runs the reconciler for one kept volume whose removal was asked for (under its lease) until it is removed. */
  settleKeptVolume(keptVolumeId: string, progress: ProgressSink): Promise<void>;
}

/** What the reconciler is handed: everything an operation has, plus the drivers it alone drives. */
export interface ReconcilerContext extends OperationContext {
  readonly runtime: RuntimeDriver;
  /** The reverse proxy's routes: `ensure()` each tick, `flush()` before exit, `table()` / `status()`. */
  readonly proxy: Routes;
  /** The host firewall: `ensure()` each tick puts its rules back when they are missing. */
  readonly firewall: HostFirewall;
  /** Engine work left running after a pass recorded its outcome; the process finishes it before exit. */
  readonly background: BackgroundWork;
  /**
   * The images each instance revision resolved to (`<instance id>@<revision>`): checked on the engine once per
   * revision in this process, not on every restart of its containers. A failed converge forgets its entry.
   */
  readonly resolvedImages: Map<string, Record<string, string>>;
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { AimsError } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import { appendEvent } from "../store/eventLog.js";
import { acquireLease, releaseLease } from "../store/leases.js";
import type { Database } from "../store/schema.js";
import type { ApplyResult, ProxyDriver, ProxyStatus, RouteTable } from "./ProxyDriver.js";

/** The platform's handle on routing: what lifecycle code, the reconciler and the CLI call. */
export interface Routes {
  readonly enabled: boolean;
  /**
   * Asks for the proxy to match the store soon; never waits, never throws. Bursts become one apply.
   * `withinMs`: the change can wait that long (a page a visitor sees, not where traffic goes), so a request
   * without it, or a flush, in the meantime covers it with one apply.
   */
  request(options?: { withinMs?: number }): void;
  /** The proxy runs with the last good configuration (restarted if it died), then matches the store. */
  ensure(): Promise<void>;
  /** Waits until every requested apply has finished (the CLI does before it exits). */
  flush(): Promise<void>;
  /** The route table as the store says it should be now. */
  table(): Promise<RouteTable>;
  status(): Promise<ProxyStatus & { enabled: boolean }>;
  /** Stops this install's proxy (`aims proxy stop`, tests, teardown); the next apply starts it again. */
  stop(): Promise<void>;
  /** Why the last apply failed, until one succeeds (`aims proxy start` reports it). */
  readonly lastError?: Error | undefined;
}

/** No proxy (`proxy.enabled: false`): every call does nothing. */
export const disabledRoutes: Routes = {
  enabled: false,
  request() {},
  ensure: async () => {},
  flush: async () => {},
  table: async () => ({ routes: [] }),
  status: async () => ({ enabled: false, running: false }),
  stop: async () => {},
};

const LEASE = "proxy";

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier `serially` call with the same key has finished. */
function serially<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}
const LEASE_TTL_MS = 60_000;
const LEASE_WAIT_MS = 120_000;

export interface RouteSyncDeps {
  /** What the proxy is known by in this process (its root directory): one apply at a time per key. */
  key: string;
  db: Kysely<Database>;
  driver: ProxyDriver;
  load: () => Promise<RouteTable>;
  logger: Logger;
}

/**
 * Keeps the proxy in step with the store. Applies are serialised within the process (one at a time; a
 * request while one runs marks the state dirty and exactly one more apply follows, however many
 * requests came) and across processes (the `proxy` lease, so the CLI and `aims serve` never swap trees
 * at once, and whoever applies last renders the newest store state). A failed apply leaves the last good
 * configuration live, is logged and is recorded as a `proxy.apply_failed` event.
 */
export class RouteSync implements Routes {
  readonly enabled = true;
  #dirty = false;
  #running: Promise<void> | undefined;
  /** Applies that changed what nginx serves (tests and the benchmark count reloads with it). */
  reloads = 0;
  lastResult: ApplyResult | undefined;
  lastError: Error | undefined;
  /** The last failure recorded as an event: the same failure tick after tick is one event, not thousands. */
  #recordedFailure: string | undefined;
  /** A request that could wait (`withinMs`), until its time comes or another request covers it. */
  #later: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RouteSyncDeps) {}

  request(options?: { withinMs?: number }): void {
    if (options?.withinMs) {
      this.#later ??= setTimeout(() => {
        this.#later = undefined;
        this.request();
      }, options.withinMs);
      return;
    }
    if (this.#later) clearTimeout(this.#later);
    this.#later = undefined;
    this.#dirty = true;
    if (!this.#running) this.#running = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      // Let the rest of a burst (one tick's transitions) arrive before the first apply.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.#dirty) {
        this.#dirty = false;
        await this.#applyOnce();
      }
    } finally {
      this.#running = undefined;
    }
  }

  async flush(): Promise<void> {
    if (this.#later) this.request();
    while (this.#running) await this.#running;
  }

  async ensure(): Promise<void> {
    this.request();
    await this.flush();
  }

  table(): Promise<RouteTable> {
    return this.deps.load();
  }

  async status() {
    return { enabled: true, ...(await this.deps.driver.status()) };
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.deps.driver.stop();
  }

  #applyOnce(): Promise<void> {
    // The lease is per process (a process never waits for itself): platforms sharing a process queue here.
    return serially(this.deps.key, () => this.#applyLocked());
  }

  async #applyLocked(): Promise<void> {
    const { db, driver, logger } = this.deps;
    try {
      await this.#lock();
      try {
        const result = await driver.apply(await this.deps.load());
        this.lastResult = result;
        this.lastError = undefined;
        this.#recordedFailure = undefined;
        if (result.changed) this.reloads++;
        if (result.started) {
          logger.info({ generation: result.generation }, "proxy started");
          await appendEvent(db, { type: "proxy.started", data: { generation: result.generation } });
        }
      } finally {
        await releaseLease(db, LEASE).catch(() => undefined);
      }
    } catch (err) {
      this.lastError = err as Error;
      const stage = (err as { stage?: string }).stage ?? "apply";
      const message = (err as Error).message;
      logger.error({ stage, err: message }, "proxy configuration not applied");
      if (this.#recordedFailure !== message) {
        this.#recordedFailure = message;
        await appendEvent(db, { type: "proxy.apply_failed", data: { stage, message } }).catch(
          () => undefined,
        );
      }
    }
  }

  /** Takes the cross-process `proxy` lease, waiting while another AIMS process applies. */
  async #lock(): Promise<void> {
    const deadline = Date.now() + LEASE_WAIT_MS;
    let delay = 10;
    while (!(await acquireLease(this.deps.db, LEASE, LEASE_TTL_MS))) {
      if (Date.now() > deadline)
        throw new AimsError(
          "unavailable",
          "another AIMS process held the proxy lease for too long; try again",
        );
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
    }
  }
}

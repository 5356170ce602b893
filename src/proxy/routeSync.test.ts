import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { openStore, type Store } from "../store/database.js";
import { listEvents } from "../store/eventLog.js";
import type { ApplyResult, ProxyDriver } from "./ProxyDriver.js";
import { RouteSync } from "./routeSync.js";

/** A proxy that takes `ms` per apply and records overlapping applies (there must be none). */
function slowDriver(ms: number, fail?: () => Error | undefined) {
  const log = { applies: 0, active: 0, maxActive: 0 };
  const driver: ProxyDriver = {
    async apply(): Promise<ApplyResult> {
      log.applies++;
      log.active++;
      log.maxActive = Math.max(log.maxActive, log.active);
      await sleep(ms);
      log.active--;
      const err = fail?.();
      if (err) throw err;
      return { generation: `g${log.applies}`, changed: true, started: false, durationMs: ms, stages: {} };
    },
    ensureRunning: async () => false,
    status: async () => ({ running: true }),
    stop: async () => {},
  };
  return { driver, log };
}

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "aims-routesync-"));
  store = await openStore({ databaseUrl: `sqlite://${join(dir, "aims.db")}`, dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const sync = (driver: ProxyDriver) =>
  new RouteSync({
    key: dir,
    db: store.db,
    driver,
    logger: createLogger("silent"),
    load: async () => ({ routes: [] }),
  });

describe("RouteSync", () => {
  it("coalesces a burst: 100 requests while applies run cause at most two applies, never two at once", async () => {
    const { driver, log } = slowDriver(250);
    const routes = sync(driver);
    // Each request on its own turn of the event loop, as transitions of separate deploys would come.
    for (let i = 0; i < 100; i++) {
      routes.request();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await routes.flush();
    expect(log.applies).toBeGreaterThanOrEqual(1);
    expect(log.applies).toBeLessThanOrEqual(2);
    expect(log.maxActive).toBe(1);
    expect(routes.reloads).toBe(log.applies);
  });

  it("a request during an apply is followed by exactly one more apply", async () => {
    const { driver, log } = slowDriver(40);
    const routes = sync(driver);
    routes.request();
    await sleep(15);
    routes.request();
    routes.request();
    await routes.flush();
    expect(log.applies).toBe(2);
    routes.request();
    await routes.flush();
    expect(log.applies).toBe(3);
  });

  it("serialises applies of two processes on one store through the proxy lease", async () => {
    const { driver, log } = slowDriver(30);
    const a = sync(driver);
    const b = sync(driver);
    for (let i = 0; i < 5; i++) {
      a.request();
      b.request();
      await sleep(5);
    }
    await Promise.all([a.flush(), b.flush()]);
    expect(log.maxActive).toBe(1);
  });

  it("records a failed apply as an event with the proxy's message, and recovers on the next request", async () => {
    let broken = true;
    const { driver } = slowDriver(1, () => (broken ? new Error("nginx: [emerg] bad directive") : undefined));
    const routes = sync(driver);
    await routes.ensure();
    await routes.ensure(); // the same failure again (every tick, say): still one event
    expect(routes.lastError?.message).toMatch(/bad directive/);
    const events = await listEvents(store.db, { types: ["proxy."] });
    expect(events.map((e) => [e.type, JSON.parse(e.data).message])).toEqual([
      ["proxy.apply_failed", "nginx: [emerg] bad directive"],
    ]);
    broken = false;
    await routes.ensure();
    expect(routes.lastError).toBeUndefined();
    expect(routes.lastResult?.changed).toBe(true);
  });
});

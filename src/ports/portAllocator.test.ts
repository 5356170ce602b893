import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { occupyPort } from "../../test/support/http.js";
import { AWAIT_GO, raceProcesses } from "../../test/support/raceProcesses.js";
import { instanceRow } from "../../test/support/rows.js";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import type { Executor, Store } from "../store/database.js";
import { insertInstance } from "../store/instanceRepository.js";
import { insertTenant } from "../store/tenantRepository.js";
import {
  allocatePorts,
  insertAllocations,
  isPortFree,
  listAllocations,
  pickFreePorts,
  portPoolUsage,
  releasePorts,
} from "./portAllocator.js";

const modules = {
  database: fileURLToPath(new URL("../store/database.ts", import.meta.url)),
  instances: fileURLToPath(new URL("../store/instanceRepository.ts", import.meta.url)),
  ports: fileURLToPath(new URL("./portAllocator.ts", import.meta.url)),
  rows: fileURLToPath(new URL("../../test/support/rows.ts", import.meta.url)),
};

const range = { min: 51000, max: 51009 };
const always = async () => true;
const web = (replica = 0) => ({ service: "web", portName: "http", replica });

let t: TestStore;
let store: Store;
let tenantId: string;
const config = () => t.config;

beforeEach(async () => {
  t = await openTestStore();
  store = t.store;
  tenantId = (await insertTenant(store.db, { name: "acme", plan: "team" })).id;
});
afterEach(() => t.close());

async function newInstance(ex: Executor, name: string): Promise<string> {
  return (await insertInstance(ex, instanceRow({ tenant_id: tenantId, name }))).id;
}

describe("port allocator", () => {
  it("allocates the lowest free ports in the instance's own transaction", async () => {
    const row = instanceRow({ tenant_id: tenantId, name: "one" });
    const { allocations, result } = await allocatePorts(
      store.db,
      { instanceId: row.id, requests: [web(0), web(1)], range, bindAddress: "127.0.0.1", isFree: always },
      async (trx, planned) => {
        await insertInstance(trx, row);
        return planned.map((p) => p.port);
      },
    );
    expect(result).toEqual([51000, 51001]);
    expect(allocations.map((a) => [a.port, a.service, a.port_name, a.replica])).toEqual([
      [51000, "web", "http", 0],
      [51001, "web", "http", 1],
    ]);

    const second = await newInstance(store.db, "two");
    await allocatePorts(store.db, {
      instanceId: second,
      requests: [web()],
      range,
      bindAddress: "127.0.0.1",
      isFree: always,
    });
    expect((await listAllocations(store.db, { instanceId: second })).map((a) => a.port)).toEqual([51002]);
    expect((await listAllocations(store.db)).map((a) => a.port)).toEqual([51000, 51001, 51002]);
    expect(await portPoolUsage(store.db, range)).toEqual({ allocated: 3, total: 10 });
  });

  it("writes nothing when the caller's part of the transaction fails", async () => {
    const row = instanceRow({ tenant_id: tenantId, name: "one" });
    const attempt = allocatePorts(
      store.db,
      { instanceId: row.id, requests: [web()], range, bindAddress: "127.0.0.1", isFree: always },
      async (trx) => {
        await insertInstance(trx, row);
        throw new Error("docker said no");
      },
    );
    await expect(attempt).rejects.toThrow("docker said no");
    expect(await listAllocations(store.db)).toEqual([]);
  });

  it("skips a port something else listens on (real probe)", async () => {
    const server = await occupyPort(0);
    const taken = (server.address() as { port: number }).port;
    try {
      expect(await isPortFree(taken, "127.0.0.1")).toBe(false);
      const [picked] = await pickFreePorts(store.db, 1, { min: taken, max: taken + 50 }, "127.0.0.1");
      expect(picked).toBeGreaterThan(taken);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortFree(taken, "127.0.0.1")).toBe(true);
  });

  it("refuses a bind address this host does not have", async () => {
    await expect(isPortFree(51000, "192.0.2.1")).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("frees ports on release so the lowest is reused", async () => {
    const first = await newInstance(store.db, "one");
    const second = await newInstance(store.db, "two");
    await allocatePorts(store.db, {
      instanceId: first,
      requests: [web(0), web(1)],
      range,
      bindAddress: "::1",
      isFree: always,
    });
    await allocatePorts(store.db, {
      instanceId: second,
      requests: [web()],
      range,
      bindAddress: "::1",
      isFree: always,
    });
    expect(await releasePorts(store.db, first)).toBe(2);
    expect(await pickFreePorts(store.db, 2, range, "::1", always)).toEqual([51000, 51001]);
    expect(await portPoolUsage(store.db, range)).toEqual({ allocated: 1, total: 10 });
  });

  it("says the range is exhausted and how to widen it", async () => {
    const tiny = { min: 51000, max: 51002 };
    const holder = await newInstance(store.db, "one");
    await insertAllocations(store.db, holder, [
      { ...web(0), port: 51000 },
      { ...web(1), port: 51001 },
    ]);
    const busy = async (port: number) => port !== 51002;
    await expect(pickFreePorts(store.db, 1, tiny, "127.0.0.1", busy)).rejects.toMatchObject({
      code: "unavailable",
      status: 503,
      message:
        "port range 51000-51002 is exhausted: 3 of 3 ports are allocated or in use; widen `ports` in config.yaml or AIMS_PORT_RANGE",
    });
    await expect(pickFreePorts(store.db, 2, tiny, "127.0.0.1", always)).rejects.toThrow(/: 2 of 3 ports/);
  });

  it("retries once with fresh ports when another writer takes a candidate first", async () => {
    const rival = await newInstance(store.db, "rival");
    const mine = await newInstance(store.db, "mine");
    let sneaked = 0;
    const racingProbe = async (port: number) => {
      // Between our probe and our insert, the rival commits the same port (as another process would).
      if (sneaked < 1) {
        sneaked++;
        await insertAllocations(store.db, rival, [{ ...web(sneaked), port }]);
      }
      return true;
    };
    const { allocations } = await allocatePorts(store.db, {
      instanceId: mine,
      requests: [web()],
      range,
      bindAddress: "127.0.0.1",
      isFree: racingProbe,
    });
    expect(allocations.map((a) => a.port)).toEqual([51001]);

    const alwaysLoses = async (port: number) => {
      await insertAllocations(store.db, rival, [{ ...web(port), port }]);
      return true;
    };
    const lost = allocatePorts(store.db, {
      instanceId: mine,
      requests: [web(9)],
      range,
      bindAddress: "127.0.0.1",
      isFree: alwaysLoses,
    });
    await expect(lost).rejects.toMatchObject({ code: "conflict" });
  });

  it("never gives the same port to two processes allocating at once", async () => {
    const wide = { min: 51000, max: 51999 };
    const code = (who: string) => `
      const { openStore } = await import(${JSON.stringify(modules.database)});
      const { insertInstance } = await import(${JSON.stringify(modules.instances)});
      const { allocatePorts } = await import(${JSON.stringify(modules.ports)});
      const { instanceRow } = await import(${JSON.stringify(modules.rows)});
      const store = await openStore(${JSON.stringify(config())});
      ${AWAIT_GO}
      const mine = [];
      let conflicts = 0;
      for (let n = 0; n < 15; n++) {
        const row = instanceRow({ id: "${who}-" + n, tenant_id: ${JSON.stringify(tenantId)}, name: "${who}-" + n });
        const requests = [0, 1, 2].map((replica) => ({ service: "web", portName: "http", replica }));
        for (;;) {
          try {
            const { allocations } = await allocatePorts(store.db,
              { instanceId: row.id, requests, range: ${JSON.stringify(wide)}, bindAddress: "127.0.0.1", isFree: async () => true },
              (trx) => insertInstance(trx, row));
            mine.push(...allocations.map((a) => a.port));
            break;
          } catch (err) {
            if (err.code !== "conflict") throw err;
            conflicts++;
          }
        }
      }
      console.log(JSON.stringify({ mine, conflicts }));
      await store.close();
    `;
    const outputs = await raceProcesses([code("a"), code("b")]);
    const claimed = outputs.flatMap((out) => (JSON.parse(out) as { mine: number[] }).mine);
    expect(claimed).toHaveLength(90);
    expect(new Set(claimed).size).toBe(90);
    const stored = (await listAllocations(store.db)).map((a) => a.port);
    expect(stored).toEqual([...claimed].sort((x, y) => x - y));
    expect(stored.at(-1)).toBe(51089);
  }, 20_000);
});

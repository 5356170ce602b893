import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestInstall,
  docker,
  installationId,
  objectsWithLabel,
  openDb,
  type TestInstall,
} from "./support/aimsCli.js";
import { get } from "./support/http.js";
import { containersOf, psOne } from "./support/instances.js";

// The warm network pool (Performance I) on the real engine: the reconcile loop keeps networks waiting, a
// deploy claims one in its transaction, a claimed network is its instance's alone and goes with it. Host ports
// 58400-58499 are this file's.

let install: TestInstall;
let installation: string;

interface PoolRow {
  name: string;
  instance_id: string | null;
}

function poolRows(): PoolRow[] {
  const db = openDb(install.dataDir);
  try {
    return db
      .prepare("select name, instance_id from network_pool order by created_at, name")
      .all() as PoolRow[];
  } finally {
    db.close();
  }
}

/** The engine's networks of this install labelled as the pool's, by name. */
async function poolNetworks(): Promise<string[]> {
  const { networks } = await objectsWithLabel(`aims.installation=${installation}`);
  return networks
    .filter((n) => n.Labels?.["aims.pool"] !== undefined)
    .map((n) => n.Name)
    .sort();
}

const waiting = () => poolRows().filter((r) => r.instance_id === null);

/** The networks an instance's containers are attached to. */
async function networksOf(instanceId: string): Promise<string[]> {
  const containers = await containersOf(instanceId);
  return [...new Set(containers.flatMap((c) => Object.keys(c.NetworkSettings.Networks)))].sort();
}

async function reconcile(env: Record<string, string> = {}) {
  const r = await install.run(["reconcile"], env);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  install = await createTestInstall("58400-58499", { AIMS_NETWORK_POOL: "2" });
  await reconcile();
  installation = installationId(install.dataDir) ?? "";
});
afterAll(() => install?.cleanup());

describe("the warm network pool", () => {
  it("keeps two networks waiting, each recorded and labelled with the install and the pool only, across ticks", async () => {
    const rows = waiting();
    expect(rows).toHaveLength(2);
    expect(await poolNetworks()).toEqual(rows.map((r) => r.name).sort());
    for (const name of rows.map((r) => r.name)) {
      const labels = (await docker.getNetwork(name).inspect()).Labels as Record<string, string>;
      expect(labels["aims.managed"]).toBe("true");
      expect(labels["aims.installation"]).toBe(installation);
      expect(labels["aims.pool"]).toBeDefined();
      expect(labels["aims.instance"]).toBeUndefined();
    }
    // They survive a tick: the orphan sweep keeps networks the store records.
    await reconcile();
    expect(waiting()).toEqual(rows);
    expect(await poolNetworks()).toEqual(rows.map((r) => r.name).sort());
  });

  it("a deploy runs on a waiting network, which becomes its alone; the loop makes another", async () => {
    const before = waiting().map((r) => r.name);
    const web = await install.json<{ id: string; url: string; state: string }>([
      "deploy",
      "static-site",
      "--tenant",
      "pool",
      "--name",
      "web",
    ]);
    expect(web.state).toBe("ready");
    expect((await get(web.url)).status).toBe(200);
    const [network] = await networksOf(web.id);
    expect(before).toContain(network);
    expect(poolRows().find((r) => r.name === network)?.instance_id).toBe(web.id);
    expect(waiting()).toHaveLength(1);

    // A second instance gets the other waiting network: never one already claimed.
    const api = await install.json<{ id: string }>([
      "deploy",
      "static-site",
      "--tenant",
      "pool",
      "--name",
      "two",
    ]);
    const [other] = await networksOf(api.id);
    expect(other).not.toBe(network);
    expect(before).toContain(other);

    await reconcile();
    expect(waiting()).toHaveLength(2);
    expect(await poolNetworks()).toHaveLength(4);
  });

  it("removing the instance destroys its network; it never goes back to the pool", async () => {
    const web = (await psOne(install, "pool", "web"))!;
    const [network] = await networksOf(web.id);
    const rm = await install.run(["rm", "web", "--tenant", "pool", "--yes"]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(await poolNetworks()).not.toContain(network);
    expect(poolRows().map((r) => r.name)).not.toContain(network);
    expect(waiting()).toHaveLength(2);
  });

  it("a pool network the store never recorded (a crash before its row) is an orphan and goes", async () => {
    const stray = `aims-stray-pool-${Date.now()}`;
    await docker.createNetwork({
      Name: stray,
      Labels: { "aims.managed": "true", "aims.installation": installation, "aims.pool": "stray" },
    });
    await reconcile();
    expect(await poolNetworks()).not.toContain(stray);
    expect(waiting()).toHaveLength(2);
  });

  it("a deploy killed after claiming its network converges on that network", async () => {
    const claimed = waiting()[0]?.name;
    const crashed = await install.run(["deploy", "static-site", "--tenant", "pool", "--name", "crash"], {
      AIMS_TEST_CRASH_AT: "after-port-allocation",
    });
    expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
    await reconcile();
    const crash = (await psOne(install, "pool", "crash"))!;
    expect(crash.state).toBe("ready");
    expect(await networksOf(crash.id)).toEqual([claimed]);
  });

  it("with the pool off, waiting networks go and a deploy makes its own network as before", async () => {
    await reconcile({ AIMS_NETWORK_POOL: "0" });
    expect(waiting()).toEqual([]);
    const own = await install.json<{ id: string }>(
      ["deploy", "static-site", "--tenant", "pool", "--name", "own"],
      {
        AIMS_NETWORK_POOL: "0",
      },
    );
    const networks = await networksOf(own.id);
    expect(networks).toHaveLength(1);
    expect(networks[0]).toMatch(/-pool-own$/);
    expect(poolRows().some((r) => r.instance_id === own.id)).toBe(false);
  });
});

import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AWAIT_GO, raceProcesses } from "../../test/support/raceProcesses.js";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import { withTransaction } from "./database.js";
import { claimPoolNetwork, insertPoolNetwork, listPoolNetworks } from "./networkPoolRepository.js";

/** Compiled (test/support/globalSetup.ts builds dist/ first): the racing processes start faster. */
const modules = {
  database: fileURLToPath(new URL("../../dist/store/database.js", import.meta.url)),
  pool: fileURLToPath(new URL("../../dist/store/networkPoolRepository.js", import.meta.url)),
};

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.close());

describe("the warm network pool's claims", () => {
  it("hand each waiting network to one deploy of 20 racing in four processes; the rest get none", async () => {
    for (let i = 0; i < 8; i++)
      await insertPoolNetwork(t.store.db, `aims-race_pool-${i}`, new Date(Date.now() + i).toISOString());
    // Each process runs five deploys' transactions at once, as five concurrent API deploys in one serve do.
    const racer = (who: number) => `
      const { openStore, withTransaction } = await import(${JSON.stringify(modules.database)});
      const { claimPoolNetwork } = await import(${JSON.stringify(modules.pool)});
      const store = await openStore(${JSON.stringify(t.config)});
      ${AWAIT_GO}
      const claims = await Promise.all(Array.from({ length: 5 }, (_, n) =>
        withTransaction(store.db, (trx) => claimPoolNetwork(trx, "i${who}-" + n, new Date().toISOString()))));
      console.log(JSON.stringify(claims.map((c) => c ?? null)));
      await store.close();
    `;
    const outputs = await raceProcesses([0, 1, 2, 3].map(racer), { typescript: false });
    const claims = outputs.flatMap((o) => JSON.parse(o) as Array<string | null>);
    expect(claims).toHaveLength(20);
    const got = claims.filter((c): c is string => c !== null);
    expect(got.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `aims-race_pool-${i}`));
    // And the store agrees: every network claimed once, by an instance that was told it got it.
    const rows = await listPoolNetworks(t.store.db);
    expect(rows.every((r) => r.instance_id !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.instance_id)).size).toBe(8);
  }, 60_000);

  it("claims the oldest waiting network, and none once all are claimed", async () => {
    await insertPoolNetwork(t.store.db, "aims-x_pool-new", "2026-12-01T10:00:01.000Z");
    await insertPoolNetwork(t.store.db, "aims-x_pool-old", "2026-12-01T10:00:00.000Z");
    const claim = (id: string) =>
      withTransaction(t.store.db, (trx) => claimPoolNetwork(trx, id, "2026-12-01T11:00:00.000Z"));
    expect(await claim("a")).toBe("aims-x_pool-old");
    expect(await claim("b")).toBe("aims-x_pool-new");
    expect(await claim("c")).toBeUndefined();
  });
});

import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AWAIT_GO, raceProcesses } from "../../test/support/raceProcesses.js";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import { acquireLease, liveLeases, releaseLease } from "./leases.js";

/** Compiled (test/support/globalSetup.ts builds dist/ first): the racing processes start faster. */
const modules = {
  database: fileURLToPath(new URL("../../dist/store/database.js", import.meta.url)),
  leases: fileURLToPath(new URL("../../dist/store/leases.js", import.meta.url)),
};

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.close());

describe("leases", () => {
  it("go to one of several processes asking at once, and to the next once released", async () => {
    const code = `
      const { openStore } = await import(${JSON.stringify(modules.database)});
      const { acquireLease, releaseLease } = await import(${JSON.stringify(modules.leases)});
      const store = await openStore(${JSON.stringify(t.config)});
      ${AWAIT_GO}
      const got = await acquireLease(store.db, "instance:race", 60000);
      console.log(got);
      // Hold it while the others ask, then let it go.
      await new Promise((r) => setTimeout(r, 300));
      await store.close();
    `;
    const answers = (await raceProcesses([code, code, code], { typescript: false })).map((o) => o.trim());
    expect(answers.filter((a) => a === "true")).toHaveLength(1);
    expect(answers.filter((a) => a === "false")).toHaveLength(2);
    // Its holder exited without releasing: a dead process's lease is void on this host.
    expect(await liveLeases(t.store.db)).toEqual([]);
    expect(await acquireLease(t.store.db, "instance:race")).toBe(true);
    expect(await liveLeases(t.store.db)).toEqual([]); // our own is not "another process"
    await releaseLease(t.store.db, "instance:race");
    expect(await t.store.db.selectFrom("leases").selectAll().execute()).toEqual([]);
  }, 60_000);
});

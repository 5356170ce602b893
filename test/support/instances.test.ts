import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/database.js";
import { insertTenant } from "../../src/store/tenantRepository.js";
import { createTestInstall } from "./aimsCli.js";
import { psOne } from "./instances.js";

// No deploy here: ps reads the store only, so no container or proxy is started.
const install = await createTestInstall("52210-52219");
afterAll(() => install.cleanup());

describe("psOne", () => {
  it("throws with the CLI's error when aims ps fails, instead of answering absent", async () => {
    const broken = await createTestInstall("52210-52219", { AIMS_PORT_RANGE: "not-a-range" });
    try {
      await expect(psOne(broken, "acme", "web")).rejects.toThrow(
        /exited 2: .*AIMS_PORT_RANGE must look like/,
      );
    } finally {
      await broken.cleanup();
    }
  });

  it("throws for a tenant that does not exist (tenants are never removed: a test's mistake)", async () => {
    await expect(psOne(install, "nobody", "web")).rejects.toThrow(/exited 3: .*no tenant nobody/);
  });

  it("answers undefined for an instance its tenant does not have", async () => {
    const store = await openStore({
      databaseUrl: `sqlite://${join(install.dataDir, "aims.db")}`,
      dataDir: install.dataDir,
    });
    try {
      await insertTenant(store.db, { name: "acme", plan: "team" });
    } finally {
      await store.close();
    }
    expect(await psOne(install, "acme", "web")).toBeUndefined();
  });
});

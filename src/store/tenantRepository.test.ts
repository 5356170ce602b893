import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import type { Store } from "./database.js";
import { findTenantById, findTenantByName, insertTenant, listTenants } from "./tenantRepository.js";

let t: TestStore;
let store: Store;

beforeEach(async () => {
  t = await openTestStore();
  store = t.store;
});
afterEach(() => t.close());

describe("tenantRepository", () => {
  it("inserts, finds by name and id, and lists by name", async () => {
    const globex = await insertTenant(store.db, { name: "globex", plan: "team" });
    const acme = await insertTenant(store.db, { name: "acme", plan: "team" });
    expect(acme).toMatchObject({ name: "acme", status: "active" });
    expect(await findTenantByName(store.db, "globex")).toEqual(globex);
    expect(await findTenantById(store.db, acme.id)).toEqual(acme);
    expect(await findTenantByName(store.db, "initech")).toBeUndefined();
    expect((await listTenants(store.db)).map((t) => t.name)).toEqual(["acme", "globex"]);
  });

  it("refuses a taken name as a conflict", async () => {
    await insertTenant(store.db, { name: "acme", plan: "team" });
    await expect(insertTenant(store.db, { name: "acme", plan: "team" })).rejects.toMatchObject({
      code: "conflict",
      message: "tenant acme already exists",
    });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instanceRow } from "../../test/support/rows.js";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import type { Store } from "./database.js";
import { deleteDomain, insertDomain, listDomains } from "./domainRepository.js";
import { insertInstance } from "./instanceRepository.js";
import { insertTenant } from "./tenantRepository.js";

let t: TestStore;
let store: Store;

beforeEach(async () => {
  t = await openTestStore();
  store = t.store;
});
afterEach(() => t.close());

async function instance(tenant: string, name: string) {
  const t = await insertTenant(store.db, { name: tenant, plan: "team" });
  const { id } = await insertInstance(store.db, instanceRow({ tenant_id: t.id, name }));
  return { instanceId: id, tenantId: t.id };
}

describe("domainRepository", () => {
  it("routes a host to one active instance; another tenant's claim is a conflict that names no one", async () => {
    const a = await instance("acme", "web");
    const b = await instance("globex", "web");
    expect(await insertDomain(store.db, { host: "shop.example.com", ...a })).toBe(true);
    expect(await insertDomain(store.db, { host: "shop.example.com", ...a })).toBe(false);
    await expect(insertDomain(store.db, { host: "shop.example.com", ...b })).rejects.toMatchObject({
      code: "conflict",
      message: "shop.example.com is already routed to another instance",
    });
    expect((await listDomains(store.db)).map((d) => [d.host, d.instance_id])).toEqual([
      ["shop.example.com", a.instanceId],
    ]);
  });

  it("lets a removed instance's host go to another instance, and lists active instances' hosts only", async () => {
    const a = await instance("acme", "web");
    const b = await instance("globex", "web");
    await insertDomain(store.db, { host: "shop.example.com", ...a });
    await store.db
      .updateTable("instances")
      .set({ removed_at: new Date().toISOString() })
      .where("id", "=", a.instanceId)
      .execute();
    expect(await listDomains(store.db)).toEqual([]);
    expect(await insertDomain(store.db, { host: "shop.example.com", ...b })).toBe(true);
    expect(await listDomains(store.db, { instanceId: b.instanceId })).toHaveLength(1);
    expect(await deleteDomain(store.db, a.instanceId, "shop.example.com")).toBe(false);
    expect(await deleteDomain(store.db, b.instanceId, "shop.example.com")).toBe(true);
  });
});

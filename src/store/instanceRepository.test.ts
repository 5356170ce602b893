import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instanceRow } from "../../test/support/rows.js";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import type { Store } from "./database.js";
import {
  deleteSecrets,
  findInstance,
  findInstanceById,
  insertInstance,
  listInstances,
  listSecrets,
  putSecret,
  updateInstanceState,
} from "./instanceRepository.js";
import { insertTenant } from "./tenantRepository.js";

let t: TestStore;
let store: Store;

beforeEach(async () => {
  t = await openTestStore();
  store = t.store;
});
afterEach(() => t.close());

describe("instanceRepository", () => {
  it("allows reusing a name only after the first instance is removed", async () => {
    const tenant = await insertTenant(store.db, { name: "acme", plan: "team" });
    const first = await insertInstance(store.db, instanceRow({ tenant_id: tenant.id, name: "cache" }));
    await expect(
      insertInstance(store.db, instanceRow({ tenant_id: tenant.id, name: "cache" })),
    ).rejects.toMatchObject({
      code: "conflict",
    });

    await updateInstanceState(store.db, first.id, {
      observed_state: "removed",
      removed_at: new Date().toISOString(),
    });
    const second = await insertInstance(store.db, instanceRow({ tenant_id: tenant.id, name: "cache" }));

    expect((await findInstance(store.db, tenant.id, "cache"))?.id).toBe(second.id);
    expect((await findInstanceById(store.db, tenant.id, first.id))?.removed_at).not.toBeNull();
  });

  it("scopes every lookup by tenant", async () => {
    const acme = await insertTenant(store.db, { name: "acme", plan: "team" });
    const globex = await insertTenant(store.db, { name: "globex", plan: "team" });
    const mine = await insertInstance(store.db, instanceRow({ tenant_id: acme.id, name: "cache" }));

    expect(await findInstanceById(store.db, globex.id, mine.id)).toBeUndefined();
    expect(await findInstance(store.db, globex.id, "cache")).toBeUndefined();
    expect(await listInstances(store.db, { tenantId: globex.id })).toEqual([]);
    expect((await findInstanceById(store.db, acme.id, mine.id))?.id).toBe(mine.id);
  });

  it("lists active instances ordered by tenant then name", async () => {
    const b = await insertTenant(store.db, { name: "b", plan: "team" });
    const a = await insertTenant(store.db, { name: "a", plan: "team" });
    await insertInstance(store.db, instanceRow({ tenant_id: b.id, name: "zeta" }));
    await insertInstance(store.db, instanceRow({ tenant_id: a.id, name: "web" }));
    await insertInstance(store.db, instanceRow({ tenant_id: b.id, name: "alpha" }));
    const gone = await insertInstance(store.db, instanceRow({ tenant_id: a.id, name: "old" }));
    await updateInstanceState(store.db, gone.id, { removed_at: new Date().toISOString() });

    const all = await listInstances(store.db);
    const expected = [
      [b.id, "alpha"],
      [b.id, "zeta"],
      [a.id, "web"],
    ].sort(([ta, na], [tb, nb]) => (ta === tb ? na!.localeCompare(nb!) : ta! < tb! ? -1 : 1));
    expect(all.map((i) => [i.tenant_id, i.name])).toEqual(expected);
  });

  it("updates state, bumps updated_at and reports an unknown id", async () => {
    const tenant = await insertTenant(store.db, { name: "acme", plan: "team" });
    const row = await insertInstance(store.db, {
      ...instanceRow({ tenant_id: tenant.id, name: "cache" }),
      updated_at: "2000-01-01T00:00:00.000Z",
    });
    const updated = await updateInstanceState(store.db, row.id, {
      observed_state: "failed",
      reason: "port busy",
      revision: 2,
    });
    expect(updated).toMatchObject({
      observed_state: "failed",
      reason: "port busy",
      revision: 2,
      desired_state: "running",
    });
    expect(updated.updated_at > row.updated_at).toBe(true);
    await expect(updateInstanceState(store.db, "nope", { reason: null })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("stores, replaces, lists and deletes sealed secrets", async () => {
    const tenant = await insertTenant(store.db, { name: "acme", plan: "team" });
    const row = await insertInstance(store.db, instanceRow({ tenant_id: tenant.id, name: "cache" }));
    await putSecret(store.db, {
      instance_id: row.id,
      key: "PASSWORD",
      ciphertext: "v1.a",
      origin: "generated",
    });
    await putSecret(store.db, { instance_id: row.id, key: "API_KEY", ciphertext: "v1.b", origin: "input" });
    await putSecret(store.db, {
      instance_id: row.id,
      key: "PASSWORD",
      ciphertext: "v1.c",
      origin: "generated",
    });

    const secrets = await listSecrets(store.db, row.id);
    expect(secrets.map((s) => [s.key, s.ciphertext])).toEqual([
      ["API_KEY", "v1.b"],
      ["PASSWORD", "v1.c"],
    ]);
    expect(await deleteSecrets(store.db, row.id)).toBe(2);
    expect(await listSecrets(store.db, row.id)).toEqual([]);
  });
});

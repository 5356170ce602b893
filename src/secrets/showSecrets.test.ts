import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instanceRow } from "../../test/support/rows.js";
import { sealAll } from "../lifecycle/instanceSecrets.js";
import { verifyAuditChain } from "../store/auditLog.js";
import { openStore, type Store } from "../store/database.js";
import { listEvents } from "../store/eventLog.js";
import { insertInstance, putSecret } from "../store/instanceRepository.js";
import { insertTenant } from "../store/tenantRepository.js";
import { showSecrets } from "./showSecrets.js";

let dir: string;
let store: Store;
const masterKey = randomBytes(32);
const actor = { id: "cli:alice", source: "cli" };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "aims-show-secrets-"));
  store = await openStore({ databaseUrl: `sqlite://${join(dir, "aims.db")}`, dataDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function instanceWithSecrets(
  secrets: Array<{ key: string; value: string; origin: "generated" | "input" }>,
) {
  const tenant = await insertTenant(store.db, { name: "acme", plan: "team" });
  const instance = await insertInstance(store.db, instanceRow({ tenant_id: tenant.id, name: "web" }));
  // Sealed the way deploy seals them, so opening here proves both sides use the same additional data.
  for (const row of sealAll(masterKey, instance.id, secrets)) await putSecret(store.db, row);
  return { tenant, instance };
}

describe("showSecrets", () => {
  it("opens what deploy sealed, sorted by key, and records the view without the values", async () => {
    const { tenant, instance } = await instanceWithSecrets([
      { key: "REDIS_PASSWORD", value: "s3cret-one", origin: "generated" },
      { key: "API_TOKEN", value: "s3cret-two", origin: "input" },
    ]);

    const shown = await showSecrets({ store, masterKey }, actor, "acme", "web");

    expect(shown).toEqual([
      { key: "API_TOKEN", origin: "input", value: "s3cret-two" },
      { key: "REDIS_PASSWORD", origin: "generated", value: "s3cret-one" },
    ]);
    const events = await listEvents(store.db, { types: ["instance.secrets_viewed"] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tenant_id: tenant.id, subject: instance.id });
    const audit = await store.db.selectFrom("audit_entries").selectAll().execute();
    expect(audit).toEqual([
      expect.objectContaining({
        actor: "cli:alice",
        source: "cli",
        action: "instance.secrets.show",
        target: "instance/acme/web",
        tenant_id: tenant.id,
        result: "ok",
        data: '{"keys":["API_TOKEN","REDIS_PASSWORD"]}',
      }),
    ]);
    expect(JSON.stringify([events, audit])).not.toContain("s3cret");
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, length: 1 });
  });

  it("shows an instance without secrets as none, and records no view", async () => {
    await instanceWithSecrets([]);
    expect(await showSecrets({ store, masterKey }, actor, "acme", "web")).toEqual([]);
    expect(await listEvents(store.db, { types: ["instance.secrets_viewed"] })).toEqual([]);
    expect(await store.db.selectFrom("audit_entries").selectAll().execute()).toEqual([]);
  });

  it("is not_found for an unknown instance, and records nothing", async () => {
    await instanceWithSecrets([]);
    await expect(showSecrets({ store, masterKey }, actor, "acme", "nope")).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(showSecrets({ store, masterKey }, actor, "other", "web")).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await listEvents(store.db, { types: ["instance.secrets_viewed"] })).toEqual([]);
  });

  it("refuses with another master key rather than print garbage", async () => {
    await instanceWithSecrets([{ key: "K", value: "v", origin: "generated" }]);
    await expect(showSecrets({ store, masterKey: randomBytes(32) }, actor, "acme", "web")).rejects.toThrow();
    expect(await listEvents(store.db, { types: ["instance.secrets_viewed"] })).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import type { Store } from "./database.js";
import { appendEvent, listEvents } from "./eventLog.js";

let t: TestStore;
let store: Store;

beforeEach(async () => {
  t = await openTestStore();
  store = t.store;
});
afterEach(() => t.close());

describe("eventLog", () => {
  it("appends rows with increasing seq and JSON data", async () => {
    const first = await appendEvent(store.db, {
      type: "tenant.created",
      tenantId: "t1",
      subject: "acme",
      data: { a: 1 },
    });
    const second = await appendEvent(store.db, { type: "system.started" });
    expect(first).toMatchObject({
      type: "tenant.created",
      tenant_id: "t1",
      subject: "acme",
      data: '{"a":1}',
    });
    expect(second).toMatchObject({ tenant_id: null, subject: null, data: "{}" });
    expect(second.seq).toBeGreaterThan(first.seq);
  });

  it("filters by tenant, cursor and type prefix, in seq order", async () => {
    const types = [
      "instance.created",
      "tenant.created",
      "instance.ready",
      "instance_x.odd",
      "instance.removed",
    ];
    const rows = [];
    for (const [i, type] of types.entries()) {
      rows.push(
        await appendEvent(store.db, { type, tenantId: i % 2 === 0 ? "t1" : "t2", subject: null, data: {} }),
      );
    }

    const typesOf = (list: Array<{ type: string }>) => list.map((e) => e.type);
    expect(typesOf(await listEvents(store.db))).toEqual(types);
    expect(typesOf(await listEvents(store.db, { tenantId: "t2" }))).toEqual([
      "tenant.created",
      "instance_x.odd",
    ]);
    expect(typesOf(await listEvents(store.db, { afterSeq: rows[2]!.seq }))).toEqual([
      "instance_x.odd",
      "instance.removed",
    ]);
    expect(typesOf(await listEvents(store.db, { types: ["instance."] }))).toEqual([
      "instance.created",
      "instance.ready",
      "instance.removed",
    ]);
    expect(typesOf(await listEvents(store.db, { types: ["tenant.", "instance.r"], tenantId: "t1" }))).toEqual(
      ["instance.ready", "instance.removed"],
    );
    expect(typesOf(await listEvents(store.db, { limit: 2 }))).toEqual(types.slice(0, 2));
    expect(await listEvents(store.db, { types: [] })).toEqual([]);
  });
});

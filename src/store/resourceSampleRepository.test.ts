import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/support/testStore.js";
import { configSchema } from "../config/schema.js";
import { HOUR_MS, MINUTE_MS } from "../domain/resourceSamples.js";
import { readResourceWindow } from "../monitor/readResourceWindow.js";
import { maintainRollups } from "../monitor/rollups.js";
import {
  instanceSampleBuckets,
  instanceSamples,
  type ResourceSampleRow,
  upsertSamples,
} from "./resourceSampleRepository.js";

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(() => t.close());

const GIB = 1024 ** 3;
/** A whole hour, so minute and hour buckets line up with the readings below. */
const T0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;

function reading(at: number, replica: number, cpu: number | null, memory: number): ResourceSampleRow {
  return {
    resolution: "raw",
    at,
    tenant_id: "tenant-a",
    instance_id: "instance-a",
    service: "web",
    replica,
    samples: 1,
    cpu_cores: cpu,
    cpu_cores_max: cpu,
    cpu_limit_cores: 0.5,
    memory_bytes: memory,
    memory_bytes_max: memory,
    memory_limit_bytes: 4 * GIB,
    network_rx_bytes: at - T0,
    network_tx_bytes: 2 * (at - T0),
    block_read_bytes: 0,
    block_write_bytes: 0,
    pids: 3,
  };
}

describe("resource samples in the store", () => {
  it("rolls ended minutes and hours up, keeps averages and peaks, and prunes by retention", async () => {
    // Replica 1 every 10 s for three minutes; its first reading has no CPU figure. Memory passes 2^31 bytes.
    const rows: ResourceSampleRow[] = [];
    for (let s = 0; s < 180; s += 10) {
      rows.push(reading(T0 + s * 1000, 1, s === 0 ? null : s < 60 ? 0.25 : 0.5, s < 60 ? 3 * GIB : GIB));
      rows.push(reading(T0 + s * 1000, 2, 0.1, GIB));
    }
    await upsertSamples(t.store.db, rows);
    const monitor = configSchema.shape.monitor.parse({});
    const marks = {};
    await maintainRollups(t.store.db, { ...monitor, rawRetentionMs: 2 * HOUR_MS }, T0 + 3 * MINUTE_MS, marks);
    const minutes = await instanceSamples(t.store.db, {
      instanceId: "instance-a",
      resolution: "1m",
      from: T0,
      to: T0 + HOUR_MS,
    });
    // Only the last ended minute is folded on a first run (no rollup before it): minute 2, both replicas.
    expect(minutes.map((m) => [m.at - T0, m.replica, m.samples])).toEqual([
      [2 * MINUTE_MS, 1, 6],
      [2 * MINUTE_MS, 2, 6],
    ]);
    expect(minutes[0]).toMatchObject({ cpu_cores: 0.5, memory_bytes: GIB, network_rx_bytes: 170_000 });

    // Later passes fold each ended minute once, from where the last one stopped.
    rows.length = 0;
    for (let s = 180; s < 240; s += 10) rows.push(reading(T0 + s * 1000, 1, 0.4, 3 * GIB));
    await upsertSamples(t.store.db, rows);
    await maintainRollups(t.store.db, { ...monitor, rawRetentionMs: 2 * HOUR_MS }, T0 + 4 * MINUTE_MS, marks);
    const minute3 = await instanceSamples(t.store.db, {
      instanceId: "instance-a",
      resolution: "1m",
      from: T0 + 3 * MINUTE_MS,
      to: T0 + 3 * MINUTE_MS,
    });
    expect(minute3).toHaveLength(1);
    expect(minute3[0]).toMatchObject({ samples: 6, memory_bytes: 3 * GIB, memory_bytes_max: 3 * GIB });

    // An hour later: the hour is folded from its minutes, and raw rows past their retention are gone.
    await maintainRollups(
      t.store.db,
      { ...monitor, rawRetentionMs: 10 * MINUTE_MS },
      T0 + HOUR_MS + MINUTE_MS,
      marks,
    );
    const hours = await instanceSamples(t.store.db, {
      instanceId: "instance-a",
      resolution: "1h",
      from: T0,
      to: T0,
    });
    expect(hours.map((h) => [h.replica, h.samples])).toEqual([
      [1, 12],
      [2, 6],
    ]);
    expect(hours[0]!.cpu_cores).toBeCloseTo(0.45);
    const raw = await instanceSamples(t.store.db, {
      instanceId: "instance-a",
      resolution: "raw",
      from: 0,
      to: Date.now(),
    });
    expect(raw).toEqual([]);
  });

  it("reads a window's CPU and memory as percentages of their limits, by tenant", async () => {
    const since = Date.now() - MINUTE_MS;
    await upsertSamples(t.store.db, [
      { ...reading(since + 1000, 1, 0.4, GIB), instance_id: "instance-b" },
      { ...reading(since + 2000, 1, 0.2, 3 * GIB), instance_id: "instance-b" },
      { ...reading(since + 2000, 2, null, 2 * GIB), instance_id: "instance-b", service: "worker" },
    ]);
    const all = await readResourceWindow(t.store, { tenantId: "tenant-a", instanceId: "instance-b", since });
    // CPU (0.4 and 0.2 of 0.5) averages 60%; memory (1, 3, 2 GiB of 4) averages 50%.
    expect(all.cpuPercent).toBeCloseTo(60);
    expect(all.memoryPercent).toBeCloseTo(50);
    expect(all).toMatchObject({ samples: 3, replicas: 2 });
    const worker = await readResourceWindow(t.store, {
      tenantId: "tenant-a",
      instanceId: "instance-b",
      service: "worker",
      since,
    });
    expect(worker).toMatchObject({ cpuPercent: null, samples: 1 });
    expect(worker.memoryPercent).toBeCloseTo(50);
    const otherTenant = await readResourceWindow(t.store, {
      tenantId: "tenant-b",
      instanceId: "instance-b",
      since,
    });
    expect(otherTenant).toEqual({ cpuPercent: null, memoryPercent: null, samples: 0, replicas: 0 });
  });

  it("folds a range into steps in the database: weighted averages, peaks, highest counters", async () => {
    const rows: ResourceSampleRow[] = [];
    for (let m = 0; m < 10; m++)
      rows.push({
        ...reading(T0 + m * MINUTE_MS, 1, m < 5 ? 0.1 : 0.3, (m + 1) * GIB),
        resolution: "1m",
        instance_id: "instance-c",
        samples: m === 0 ? 2 : 6,
      });
    await upsertSamples(t.store.db, rows);
    const buckets = await instanceSampleBuckets(t.store.db, {
      instanceId: "instance-c",
      resolution: "1m",
      from: T0,
      to: T0 + HOUR_MS,
      stepMs: 5 * MINUTE_MS,
    });
    expect(buckets.map((b) => [b.at - T0, b.samples, b.memory_bytes_max])).toEqual([
      [0, 26, 5 * GIB],
      [5 * MINUTE_MS, 30, 10 * GIB],
    ]);
    expect(buckets[0]!.cpu_cores).toBeCloseTo(0.1);
    expect(buckets[1]!.cpu_cores).toBeCloseTo(0.3);
    // (1×2 + (2+3+4+5)×6) GiB over 26 readings.
    expect(buckets[0]!.memory_bytes / GIB).toBeCloseTo(86 / 26, 3);
    expect(buckets[1]).toMatchObject({
      network_rx_bytes: 9 * MINUTE_MS,
      memory_limit_bytes: 4 * GIB,
      pids: 3,
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  counterGrowth,
  cpuCoresBetween,
  percentOf,
  recommendLimits,
  rollUp,
  type SampleNumbers,
} from "./resourceSamples.js";

const MIB = 1024 * 1024;

function row(at: number, cpu: number | null, memory: number, rx = 0): SampleNumbers {
  return {
    at,
    tenant_id: "t",
    instance_id: "i",
    service: "web",
    replica: 1,
    samples: 1,
    cpu_cores: cpu,
    cpu_cores_max: cpu,
    cpu_limit_cores: 1,
    memory_bytes: memory,
    memory_bytes_max: memory,
    memory_limit_bytes: 100,
    network_rx_bytes: rx,
    network_tx_bytes: 0,
    block_read_bytes: 0,
    block_write_bytes: 0,
    pids: 1,
  };
}

describe("resource samples", () => {
  it("turns two cumulative CPU readings into cores, and none into no figure", () => {
    expect(cpuCoresBetween({ atMs: 0, cpuNanos: 0 }, { atMs: 2000, cpuNanos: 1e9 })).toBe(0.5);
    expect(cpuCoresBetween(undefined, { atMs: 2000, cpuNanos: 1e9 })).toBeNull();
    // The counter went back: the container restarted under the same id.
    expect(cpuCoresBetween({ atMs: 0, cpuNanos: 5e9 }, { atMs: 1000, cpuNanos: 1e9 })).toBeNull();
    expect(cpuCoresBetween({ atMs: 1000, cpuNanos: 0 }, { atMs: 1000, cpuNanos: 1e9 })).toBeNull();
  });

  it("gives percentages only against a limit", () => {
    expect(percentOf(0.2, 0.25)).toBeCloseTo(80);
    expect(percentOf(0.2, 0)).toBeNull();
    expect(percentOf(null, 1)).toBeNull();
  });

  it("rolls readings into buckets: weighted averages, peaks, the last counter", () => {
    const [bucket, ...rest] = rollUp(
      [row(1000, null, 10, 5), row(11_000, 0.5, 30, 7), row(21_000, 0.25, 20, 9), row(61_000, 1, 50, 11)],
      60_000,
    );
    expect(bucket).toMatchObject({
      at: 0,
      samples: 3,
      cpu_cores: 0.375,
      cpu_cores_max: 0.5,
      memory_bytes: 20,
      memory_bytes_max: 30,
      network_rx_bytes: 9,
    });
    expect(rest).toEqual([expect.objectContaining({ at: 60_000, samples: 1, cpu_cores: 1 })]);
    // Rollups of rollups weigh each by the readings it holds.
    const [hour] = rollUp(
      [
        { ...row(0, 0.1, 10), samples: 3 },
        { ...row(60_000, 0.5, 50), samples: 1 },
      ],
      3_600_000,
    );
    expect(hour!.cpu_cores).toBeCloseTo(0.2);
    expect(hour!.memory_bytes).toBe(20);
  });

  it("counts a counter that dropped as restarted from zero", () => {
    expect(counterGrowth(100, 150)).toBe(50);
    expect(counterGrowth(100, 30)).toBe(30);
  });

  it("recommends limits with headroom over the peaks, in round steps", () => {
    const starved = recommendLimits(
      { cpuPeak: 0.25, memoryPeak: 60 * MIB, samples: 100 },
      { cpu: 0.25, memoryBytes: 64 * MIB },
    );
    expect(starved.cpu).toBe(0.4);
    expect(starved.memoryBytes).toBe(80 * MIB);
    expect(starved.reason).toMatch(/CPU peaked at 0\.25 of 0\.25 cores, memory peaked at 60 MiB of 64 MiB/);
    const idle = recommendLimits(
      { cpuPeak: 0.001, memoryPeak: 2 * MIB, samples: 10 },
      { cpu: 2, memoryBytes: 1024 * MIB },
    );
    expect(idle).toMatchObject({ cpu: 0.05, memoryBytes: 32 * MIB });
    // No CPU figure yet: the CPU limit stays as it is.
    expect(
      recommendLimits({ cpuPeak: null, memoryPeak: 0, samples: 1 }, { cpu: 1, memoryBytes: 0 }).cpu,
    ).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { toContainerStats } from "./containerStats.js";

describe("one-shot container stats", () => {
  it("reads cgroup v2 answers: memory less inactive file cache, networks summed, block I/O by op", () => {
    const stats = toContainerStats(
      {
        read: "2026-12-01T10:00:00.5Z",
        cpu_stats: { cpu_usage: { total_usage: 123_000_000 } },
        memory_stats: { usage: 50_000_000, limit: 67_108_864, stats: { inactive_file: 10_000_000 } },
        networks: { eth0: { rx_bytes: 100, tx_bytes: 200 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
        blkio_stats: {
          io_service_bytes_recursive: [
            { op: "read", value: 4096 },
            { op: "write", value: 8192 },
          ],
        },
        pids_stats: { current: 3 },
      },
      0.25,
      0,
    );
    expect(stats).toEqual({
      atMs: Date.parse("2026-12-01T10:00:00.5Z"),
      cpuNanos: 123_000_000,
      cpuLimitCores: 0.25,
      memoryBytes: 40_000_000,
      memoryLimitBytes: 67_108_864,
      networkRxBytes: 101,
      networkTxBytes: 202,
      blockReadBytes: 4096,
      blockWriteBytes: 8192,
      pids: 3,
    });
  });

  it("reads cgroup v1 answers and a container without networks (network none)", () => {
    const stats = toContainerStats(
      {
        read: "0001-01-01T00:00:00Z",
        memory_stats: { usage: 30, limit: 100, stats: { total_inactive_file: 10 } },
        blkio_stats: {
          io_service_bytes_recursive: [
            { op: "Read", value: 1 },
            { op: "Write", value: 2 },
            { op: "Total", value: 3 },
          ],
        },
      },
      0,
      42,
    );
    expect(stats).toMatchObject({
      atMs: 42,
      memoryBytes: 20,
      networkRxBytes: 0,
      blockReadBytes: 1,
      blockWriteBytes: 2,
      pids: 0,
    });
  });
});

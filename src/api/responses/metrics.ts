import * as z from "zod";
import type { InstanceMetricsView, MetricPoint } from "../../monitor/instanceMetrics.js";
import { named } from "./named.js";
import { viewSchema } from "./viewSchema.js";

const time = z.string().describe("ISO-8601 time");

export const metricPointSchema = named(
  "MetricPoint",
  viewSchema<MetricPoint>()(
    z.object({
      at: time.describe("the reading, or the start of the step it averages"),
      cpuCores: z
        .number()
        .nullable()
        .describe("cores in use (average over the step); null on a container's first reading"),
      cpuPercent: z
        .number()
        .nullable()
        .describe("cpuCores as a percentage of the CPU limit; null without a limit"),
      cpuLimitCores: z.number(),
      memoryBytes: z.number().describe("average memory in use, less the inactive page cache"),
      memoryPeakBytes: z.number(),
      memoryLimitBytes: z.number(),
      memoryPercent: z.number().nullable(),
      networkRxBytes: z.number().describe("received since the container started"),
      networkTxBytes: z.number().describe("sent since the container started"),
      networkRxBytesPerSecond: z.number().nullable().describe("since the point before; null for the first"),
      networkTxBytesPerSecond: z.number().nullable(),
      blockReadBytes: z.number(),
      blockWriteBytes: z.number(),
      pids: z.number(),
    }),
  ),
);

export const instanceMetricsSchema = named(
  "InstanceMetrics",
  viewSchema<InstanceMetricsView>()(
    z.object({
      tenant: z.string(),
      instance: z.string(),
      from: time,
      to: time,
      stepSeconds: z.number(),
      resolution: z
        .enum(["raw", "1m", "1h"])
        .describe("raw samples, or 1-minute / 1-hour rollups for older ranges"),
      series: z.array(
        z.object({ service: z.string(), replica: z.number(), points: z.array(metricPointSchema) }),
      ),
      volumes: z.array(z.object({ volume: z.string(), bytes: z.number(), at: time })),
    }),
  ),
);

import * as z from "zod";

/** The most points one series of a metrics answer may hold: a wider range needs a coarser step. */
export const MAX_METRIC_POINTS = 2000;

const instant = z.iso.datetime({ offset: true }).describe("an RFC 3339 time, e.g. 2026-12-01T10:00:00Z");

/** `?from&to&step` of an instance's metrics (the API's query; `aims stats` builds the same). */
export const metricsQuerySchema = z
  .strictObject({
    from: instant.optional().describe("start (default: an hour before `to`)"),
    to: instant.optional().describe("end (default: now)"),
    step: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .describe("seconds per point (default: the finest the range's resolution allows, at most 2000 points)"),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: "from must be before to",
    path: ["from"],
  });

export type MetricsQuery = z.output<typeof metricsQuerySchema>;

/**
 * The scope of a metrics token: a platform-wide key made by the operator with it explicitly, which Prometheus uses
 * to scrape /metrics with its per-instance series (they name tenants and instances). It grants nothing else.
 */
export const METRICS_READ_SCOPE = "metrics:read";

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Platform } from "../platform.js";
import { portPoolUsage } from "../ports/portAllocator.js";
import { createInstanceSeries } from "./instanceSeries.js";

/** The API's Prometheus metrics, in a registry of its own (so two servers in one process never collide). */
export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  /** Observed by the API around deploys it runs; the reconciler observes its own passes in reconcileDuration. */
  deployDuration: Histogram<"result">;
  /** For `aims serve`'s reconciler: `metrics.reconcileDuration.observe(seconds)` after each pass. */
  reconcileDuration: Histogram<"result">;
  sseSubscribers: Gauge;
  eventsDelivered: Counter;
  /** For `aims serve`'s sampler: seconds per resource-sample pass. */
  samplePassDuration: Histogram<"result">;
  /** Per-instance series (tenant, instance, service labels): shown on /metrics only to a metrics token. */
  instanceSeries: Registry;
}

/** Builds the registry: HTTP latency, instances by state, deploy and reconcile durations, port pool use. */
export function createApiMetrics(p: Platform): ApiMetrics {
  const registry = new Registry();
  // Node and process metrics under their standard names (process_*, nodejs_*), so stock dashboards work.
  collectDefaultMetrics({ register: registry });
  dropMisnamedGauges(registry);
  const httpDuration = new Histogram({
    name: "aims_http_request_duration_seconds",
    help: "HTTP request latency by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [registry],
  });
  const deployDuration = new Histogram({
    name: "aims_deploy_duration_seconds",
    help: "Time from a deploy request to a healthy (or failed) instance",
    labelNames: ["result"] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const reconcileDuration = new Histogram({
    name: "aims_reconcile_duration_seconds",
    help: "Duration of one reconciler pass",
    labelNames: ["result"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: "aims_instances",
    help: "Active (not removed) instances by observed state",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const rows = await p.store.db
        .selectFrom("instances")
        .select(["observed_state", (eb) => eb.fn.countAll<number | string | bigint>().as("n")])
        .where("removed_at", "is", null)
        .groupBy("observed_state")
        .execute();
      this.reset();
      for (const row of rows) this.set({ state: row.observed_state }, Number(row.n));
    },
  });
  new Gauge({
    name: "aims_port_pool_ports",
    help: "Host ports of the configured range, allocated or total",
    labelNames: ["kind"] as const,
    registers: [registry],
    async collect() {
      const usage = await portPoolUsage(p.store.db, p.config.ports);
      this.set({ kind: "allocated" }, usage.allocated);
      this.set({ kind: "total" }, usage.total);
    },
  });
  const sseSubscribers = new Gauge({
    name: "aims_sse_subscribers",
    help: "Open event streams",
    registers: [registry],
  });
  const eventsDelivered = new Counter({
    name: "aims_sse_events_delivered_total",
    help: "Events written to event streams",
    registers: [registry],
  });
  const samplePassDuration = new Histogram({
    name: "aims_sample_pass_duration_seconds",
    help: "Duration of one resource-sample pass over every running container",
    labelNames: ["result"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    deployDuration,
    reconcileDuration,
    sseSubscribers,
    eventsDelivered,
    samplePassDuration,
    instanceSeries: createInstanceSeries(p),
  };
}

/**
 * prom-client's default metrics include three gauges named `*_total`, which Prometheus reserves for
 * counters (`promtool check metrics` rejects them). The same numbers stay available by type in
 * `nodejs_active_handles`, `nodejs_active_requests` and `nodejs_active_resources`.
 */
function dropMisnamedGauges(registry: Registry): void {
  for (const name of ["nodejs_active_handles", "nodejs_active_requests", "nodejs_active_resources"])
    registry.removeSingleMetric(`${name}_total`);
}

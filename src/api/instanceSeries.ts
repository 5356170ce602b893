import { Counter, Gauge, Registry } from "prom-client";
import { METRICS_READ_SCOPE } from "../domain/metricsQuery.js";
import type { Platform } from "../platform.js";
import type { Principal } from "../tenancy/principal.js";

/** True for a metrics token: a platform-wide key made by the operator with the `metrics:read` scope explicitly. */
export function isMetricsToken(principal: Principal | undefined): boolean {
  return Boolean(
    principal?.platformAdmin && principal.kind === "key" && principal.scopes?.includes(METRICS_READ_SCOPE),
  );
}

interface ServiceTotals {
  tenant: string;
  instance: string;
  service: string;
  cpuCores: number;
  cpuLimitCores: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  rx: number;
  tx: number;
  read: number;
  write: number;
  pids: number;
}

/**
 * The newest reading of every container sampled in the last three intervals, summed per tenant, instance and
 * service (replicas add up), for at most `maxSeriesInstances` instances, the most recently sampled first.
 */
async function serviceTotals(p: Platform): Promise<ServiceTotals[]> {
  const { intervalMs, maxSeriesInstances } = p.config.monitor;
  const rows = await p.store.db
    .selectFrom("resource_samples as s")
    .innerJoin("instances as i", "i.id", "s.instance_id")
    .innerJoin("tenants as t", "t.id", "s.tenant_id")
    .select([
      "t.name as tenant",
      "i.name as instance",
      "s.instance_id",
      "s.service",
      "s.replica",
      "s.at",
      "s.cpu_cores",
      "s.cpu_limit_cores",
      "s.memory_bytes",
      "s.memory_limit_bytes",
      "s.network_rx_bytes",
      "s.network_tx_bytes",
      "s.block_read_bytes",
      "s.block_write_bytes",
      "s.pids",
    ])
    .where("s.resolution", "=", "raw")
    .where("s.at", ">=", Date.now() - 3 * intervalMs)
    .where("i.removed_at", "is", null)
    .orderBy("s.at", "desc")
    .execute();
  const seen = new Set<string>();
  const instances = new Set<string>();
  const totals = new Map<string, ServiceTotals>();
  for (const r of rows) {
    const container = `${r.instance_id}\n${r.service}\n${r.replica}`;
    if (seen.has(container)) continue;
    seen.add(container);
    if (!instances.has(r.instance_id)) {
      if (instances.size >= maxSeriesInstances) continue;
      instances.add(r.instance_id);
    }
    const key = `${r.instance_id}\n${r.service}`;
    let t = totals.get(key);
    if (!t) {
      t = {
        tenant: r.tenant,
        instance: r.instance,
        service: r.service,
        cpuCores: 0,
        cpuLimitCores: 0,
        memoryBytes: 0,
        memoryLimitBytes: 0,
        rx: 0,
        tx: 0,
        read: 0,
        write: 0,
        pids: 0,
      };
      totals.set(key, t);
    }
    t.cpuCores += r.cpu_cores ?? 0;
    t.cpuLimitCores += r.cpu_limit_cores;
    t.memoryBytes += r.memory_bytes;
    t.memoryLimitBytes += r.memory_limit_bytes;
    t.rx += r.network_rx_bytes;
    t.tx += r.network_tx_bytes;
    t.read += r.block_read_bytes;
    t.write += r.block_write_bytes;
    t.pids += r.pids;
  }
  return [...totals.values()];
}

const LABELS = ["tenant", "instance", "service"] as const;

/**
 * The per-instance series of /metrics, in a registry of their own that only a metrics token is shown: each a
 * gauge or counter labelled tenant, instance and service (one series per service of at most
 * `monitor.maxSeriesInstances` instances), from the sampler's newest readings. docs/monitoring.md lists them.
 */
export function createInstanceSeries(p: Platform): Registry {
  const registry = new Registry();
  let answer: Promise<ServiceTotals[]> | undefined;
  // One store read per scrape, shared by every metric of it.
  const read = () => {
    answer ??= serviceTotals(p).finally(() => setTimeout(() => (answer = undefined), 0));
    return answer;
  };
  const metric = (
    kind: "gauge" | "counter",
    name: string,
    help: string,
    value: (t: ServiceTotals) => number,
  ) => {
    const Type = kind === "gauge" ? Gauge : Counter;
    new Type({
      name,
      help,
      labelNames: LABELS,
      registers: [registry],
      async collect(this: Gauge<(typeof LABELS)[number]> | Counter<(typeof LABELS)[number]>) {
        const totals = await read();
        this.reset();
        for (const t of totals) {
          const labels = { tenant: t.tenant, instance: t.instance, service: t.service };
          if (this instanceof Gauge) this.set(labels, value(t));
          else this.inc(labels, value(t));
        }
      },
    });
  };
  metric("gauge", "aims_instance_cpu_cores", "CPU cores in use by a service's containers", (t) => t.cpuCores);
  metric(
    "gauge",
    "aims_instance_cpu_limit_cores",
    "CPU limit of a service's containers, in cores",
    (t) => t.cpuLimitCores,
  );
  metric(
    "gauge",
    "aims_instance_memory_bytes",
    "Memory in use by a service's containers (less inactive page cache)",
    (t) => t.memoryBytes,
  );
  metric(
    "gauge",
    "aims_instance_memory_limit_bytes",
    "Memory limit of a service's containers",
    (t) => t.memoryLimitBytes,
  );
  metric(
    "counter",
    "aims_instance_network_receive_bytes_total",
    "Bytes received by a service's containers since they started",
    (t) => t.rx,
  );
  metric(
    "counter",
    "aims_instance_network_transmit_bytes_total",
    "Bytes sent by a service's containers since they started",
    (t) => t.tx,
  );
  metric(
    "counter",
    "aims_instance_block_read_bytes_total",
    "Bytes read from block devices by a service's containers",
    (t) => t.read,
  );
  metric(
    "counter",
    "aims_instance_block_write_bytes_total",
    "Bytes written to block devices by a service's containers",
    (t) => t.write,
  );
  metric("gauge", "aims_instance_pids", "Processes and threads in a service's containers", (t) => t.pids);
  return registry;
}

import { Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import { api } from "../../api/client";
import { must } from "../../api/errors";
import { followSamples, type LiveSample } from "../../api/sampleStream";
import type { InstanceMetrics } from "../../api/types";
import { EmptyState, ErrorNotice, Loading } from "../../components/Feedback";
import { TableScroll } from "../../components/TableScroll";
import { useResource } from "../../hooks/useResource";
import { type ChartLine, TimeChart } from "./TimeChart";

/** What the charts show of one container at one moment. */
interface Point {
  /** Epoch seconds. */
  t: number;
  cpuPercent: number | null;
  memoryMiB: number;
  memoryLimitMiB: number;
  rxKiBs: number | null;
  txKiBs: number | null;
  rx: number;
  tx: number;
  pids: number;
}

type Containers = Map<string, { service: string; replica: number; points: Point[] }>;

/** How far back the charts reach. */
const WINDOW_S = 15 * 60;
const MIB = 1024 * 1024;

const percent = (cores: number | null, limit: number) =>
  cores === null || !(limit > 0) ? null : (cores / limit) * 100;

function fromSeries(metrics: InstanceMetrics): Containers {
  const out: Containers = new Map();
  for (const s of metrics.series)
    out.set(`${s.service}-${s.replica}`, {
      service: s.service,
      replica: s.replica,
      points: s.points.map((p) => ({
        t: Math.round(Date.parse(p.at) / 1000),
        cpuPercent: p.cpuPercent,
        memoryMiB: p.memoryBytes / MIB,
        memoryLimitMiB: p.memoryLimitBytes / MIB,
        rxKiBs: p.networkRxBytesPerSecond === null ? null : p.networkRxBytesPerSecond / 1024,
        txKiBs: p.networkTxBytesPerSecond === null ? null : p.networkTxBytesPerSecond / 1024,
        rx: p.networkRxBytes,
        tx: p.networkTxBytes,
        pids: p.pids,
      })),
    });
  return out;
}

/** Adds a live sample to its container's points (rates from the point before), dropping what left the window. */
function withSample(containers: Containers, s: LiveSample): Containers {
  const key = `${s.service}-${s.replica}`;
  const next: Containers = new Map(containers);
  const entry = next.get(key) ?? { service: s.service, replica: s.replica, points: [] };
  const t = Math.round(Date.parse(s.at) / 1000);
  const last = entry.points.at(-1);
  if (last && last.t >= t) return containers;
  const seconds = last ? t - last.t : 0;
  const rate = (now: number, before: number | undefined) =>
    before === undefined || seconds <= 0 ? null : Math.max(0, now - before) / seconds / 1024;
  const point: Point = {
    t,
    cpuPercent: percent(s.cpuCores, s.cpuLimitCores),
    memoryMiB: s.memoryBytes / MIB,
    memoryLimitMiB: s.memoryLimitBytes / MIB,
    rxKiBs: rate(s.networkRxBytes, last?.rx),
    txKiBs: rate(s.networkTxBytes, last?.tx),
    rx: s.networkRxBytes,
    tx: s.networkTxBytes,
    pids: s.pids,
  };
  next.set(key, { ...entry, points: [...entry.points, point].filter((p) => p.t > t - WINDOW_S) });
  return next;
}

/** One service's lines, aligned on the union of its replicas' times (to the second). */
function chartsOf(containers: Array<{ replica: number; points: Point[] }>) {
  const times = [...new Set(containers.flatMap((c) => c.points.map((p) => p.t)))].sort((a, b) => a - b);
  const line = (label: string, points: Point[], value: (p: Point) => number | null): ChartLine => {
    const at = new Map(points.map((p) => [p.t, value(p)]));
    return { label, values: times.map((t) => at.get(t) ?? null) };
  };
  const cpu = containers.map((c) => line(`replica ${c.replica}`, c.points, (p) => p.cpuPercent));
  const memory = containers.flatMap((c) => [line(`replica ${c.replica}`, c.points, (p) => p.memoryMiB)]);
  const first = containers[0];
  if (first) memory.push(line("limit", first.points, (p) => p.memoryLimitMiB));
  const network = containers.flatMap((c) => [
    line(`replica ${c.replica} in`, c.points, (p) => p.rxKiBs),
    line(`replica ${c.replica} out`, c.points, (p) => p.txKiBs),
  ]);
  return { times, cpu, memory, network };
}

function ServiceCharts({
  service,
  containers,
}: {
  service: string;
  containers: Array<{ replica: number; points: Point[] }>;
}) {
  const charts = useMemo(() => chartsOf(containers), [containers]);
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="xs">
        {service}
      </Title>
      <SimpleGrid cols={{ base: 1, lg: 3 }}>
        <TimeChart title="CPU, % of limit" unit="%" times={charts.times} lines={charts.cpu} />
        <TimeChart title="Memory, MiB" unit="" times={charts.times} lines={charts.memory} />
        <TimeChart title="Network, KiB/s" unit="" times={charts.times} lines={charts.network} />
      </SimpleGrid>
    </Paper>
  );
}

const fixed = (value: number | null, digits: number, suffix = "") =>
  value === null ? "–" : `${value.toFixed(digits)}${suffix}`;

/**
 * An instance's resources: CPU (as a share of its limit), memory and network per service and replica, the last 15
 * minutes from `GET …/metrics`, then live from its sample stream. Loaded only when its tab opens (uPlot with it).
 */
export default function MonitorPanel({ tenant, name }: { tenant: string; name: string }) {
  const from = useMemo(() => new Date(Date.now() - WINDOW_S * 1000).toISOString(), []);
  const metrics = useResource(
    () =>
      must(
        api.GET("/v1/tenants/{tenant}/instances/{name}/metrics", {
          params: { path: { tenant, name }, query: { from } },
        }),
      ),
    [tenant, name, from],
  );
  const [containers, setContainers] = useState<Containers>(new Map());
  useEffect(() => {
    if (metrics.data) setContainers(fromSeries(metrics.data));
  }, [metrics.data]);
  useEffect(() => followSamples(tenant, name, (s) => setContainers((c) => withSample(c, s))), [tenant, name]);

  const services = useMemo(() => {
    const byService = new Map<string, Array<{ replica: number; points: Point[] }>>();
    for (const c of [...containers.values()].sort((a, b) => a.replica - b.replica)) {
      const list = byService.get(c.service) ?? [];
      list.push(c);
      byService.set(c.service, list);
    }
    return [...byService].sort(([a], [b]) => a.localeCompare(b));
  }, [containers]);

  if (metrics.error) return <ErrorNotice error={metrics.error} />;
  if (metrics.data === undefined && metrics.loading) return <Loading />;
  if (!services.length)
    return (
      <EmptyState title="No samples yet">
        Samples arrive with each pass of the sampler (every 10 s by default) while the instance runs.
      </EmptyState>
    );
  return (
    <Stack gap="md">
      <TableScroll minWidth={640} label="Resources now">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Service</Table.Th>
              <Table.Th>Replica</Table.Th>
              <Table.Th>CPU</Table.Th>
              <Table.Th>Memory</Table.Th>
              <Table.Th>Network in / out</Table.Th>
              <Table.Th>Processes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {services.flatMap(([service, list]) =>
              list.map((c) => {
                const last = c.points.at(-1);
                const cpu = [...c.points].reverse().find((p) => p.cpuPercent !== null)?.cpuPercent ?? null;
                return (
                  <Table.Tr key={`${service}-${c.replica}`} data-service={service} data-replica={c.replica}>
                    <Table.Td>{service}</Table.Td>
                    <Table.Td>{c.replica}</Table.Td>
                    <Table.Td data-cpu-percent={cpu ?? ""}>{fixed(cpu, 1, "% of limit")}</Table.Td>
                    <Table.Td>
                      {last ? `${last.memoryMiB.toFixed(1)} of ${last.memoryLimitMiB.toFixed(0)} MiB` : "–"}
                    </Table.Td>
                    <Table.Td>
                      {fixed(last?.rxKiBs ?? null, 1)} / {fixed(last?.txKiBs ?? null, 1, " KiB/s")}
                    </Table.Td>
                    <Table.Td>{last?.pids ?? "–"}</Table.Td>
                  </Table.Tr>
                );
              }),
            )}
          </Table.Tbody>
        </Table>
      </TableScroll>
      {services.map(([service, list]) => (
        <ServiceCharts key={service} service={service} containers={list} />
      ))}
      <Text size="xs" c="dimmed">
        The last 15 minutes, then live. CPU is a share of the service's CPU limit; memory leaves out page
        cache the kernel can drop.
      </Text>
    </Stack>
  );
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { AimsError } from "../../domain/errors.js";
import { recommendLimits } from "../../domain/resourceSamples.js";
import type { InstanceMetricsView } from "../../monitor/instanceMetrics.js";
import type { AimsClient } from "../client/AimsClient.js";
import { withClient } from "../client/withClient.js";
import { printJson, printTable } from "../output.js";

/** The flags of `aims stats`, as src/cli/flags.ts parsed them. */
export interface StatsOptions {
  tenant: string;
  follow?: boolean;
  recommend?: boolean;
  json?: boolean;
}

/** One line of the table: a container's newest sample. */
export interface StatsRow {
  instance: string;
  service: string;
  replica: number;
  at: string;
  cpuPercent: number | null;
  cpuCores: number | null;
  cpuLimitCores: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number | null;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** How far back the newest sample may be: a sampler pass is every 10 s by default; 2 minutes covers a slow one. */
const RECENT_MS = 120_000;
const FOLLOW_EVERY_MS = 2000;

async function instancesOf(client: AimsClient, tenant: string, name: string | undefined): Promise<string[]> {
  if (name !== undefined) return [name];
  const views = await client.listInstances(tenant);
  return views
    .filter((v) => v.tenant === tenant)
    .map((v) => v.name)
    .sort();
}

function newestRows(view: InstanceMetricsView): StatsRow[] {
  return view.series.flatMap((s) => {
    // The newest point with a CPU figure (a container's very first reading has none).
    const last = s.points.at(-1);
    if (!last) return [];
    const withCpu = [...s.points].reverse().find((p) => p.cpuCores !== null);
    return [
      {
        instance: view.instance,
        service: s.service,
        replica: s.replica,
        at: last.at,
        cpuPercent: withCpu?.cpuPercent ?? null,
        cpuCores: withCpu?.cpuCores ?? null,
        cpuLimitCores: last.cpuLimitCores,
        memoryBytes: last.memoryBytes,
        memoryLimitBytes: last.memoryLimitBytes,
        memoryPercent: last.memoryPercent,
        networkRxBytes: last.networkRxBytes,
        networkTxBytes: last.networkTxBytes,
        blockReadBytes: last.blockReadBytes,
        blockWriteBytes: last.blockWriteBytes,
        pids: last.pids,
      },
    ];
  });
}

async function readRows(client: AimsClient, tenant: string, names: string[]): Promise<StatsRow[]> {
  const from = new Date(Date.now() - RECENT_MS).toISOString();
  const views = await Promise.all(names.map((n) => client.instanceMetrics(tenant, n, { from })));
  return views.flatMap(newestRows);
}

/** `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const percent = (value: number | null) => (value === null ? "-" : `${value.toFixed(1)}%`);

function printRows(rows: StatsRow[]): void {
  printTable(
    [
      "INSTANCE",
      "SERVICE",
      "REPLICA",
      "CPU %",
      "CPU",
      "MEM USAGE / LIMIT",
      "MEM %",
      "NET I/O",
      "BLOCK I/O",
      "PIDS",
    ],
    rows.map((r) => [
      r.instance,
      r.service,
      String(r.replica),
      percent(r.cpuPercent),
      r.cpuCores === null ? "-" : `${r.cpuCores.toFixed(2)}/${r.cpuLimitCores || "-"}`,
      `${formatBytes(r.memoryBytes)} / ${formatBytes(r.memoryLimitBytes)}`,
      percent(r.memoryPercent),
      `${formatBytes(r.networkRxBytes)} / ${formatBytes(r.networkTxBytes)}`,
      `${formatBytes(r.blockReadBytes)} / ${formatBytes(r.blockWriteBytes)}`,
      String(r.pids),
    ]),
  );
}

/** Suggested limits per service: peaks of the last 7 days (1-minute rollups) and of the last hour (raw samples). */
async function recommend(client: AimsClient, tenant: string, names: string[], json: boolean): Promise<void> {
  const now = Date.now();
  const out: Array<{
    instance: string;
    service: string;
    current: { cpu: number; memory: number };
    cpu: number;
    memory: number;
    reason: string;
  }> = [];
  for (const name of names) {
    const views = await Promise.all([
      client.instanceMetrics(tenant, name, {
        from: new Date(now - 7 * 86_400_000).toISOString(),
        step: 3600,
      }),
      client.instanceMetrics(tenant, name, { from: new Date(now - 3_600_000).toISOString() }),
    ]);
    const services = new Map<
      string,
      { cpuPeak: number | null; memoryPeak: number; samples: number; cpu: number; memory: number }
    >();
    for (const view of views)
      for (const s of view.series)
        for (const p of s.points) {
          const seen = services.get(s.service) ?? {
            cpuPeak: null,
            memoryPeak: 0,
            samples: 0,
            cpu: 0,
            memory: 0,
          };
          if (p.cpuCores !== null) seen.cpuPeak = Math.max(seen.cpuPeak ?? 0, p.cpuCores);
          seen.memoryPeak = Math.max(seen.memoryPeak, p.memoryPeakBytes);
          seen.samples++;
          seen.cpu = p.cpuLimitCores;
          seen.memory = p.memoryLimitBytes;
          services.set(s.service, seen);
        }
    for (const [service, seen] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
      const r = recommendLimits(seen, { cpu: seen.cpu, memoryBytes: seen.memory });
      out.push({
        instance: name,
        service,
        current: { cpu: seen.cpu, memory: seen.memory },
        cpu: r.cpu,
        memory: r.memoryBytes,
        reason: r.reason,
      });
    }
  }
  if (json) return printJson(out);
  if (!out.length) {
    process.stdout.write("no samples yet: nothing to recommend (is `aims serve` running?)\n");
    return;
  }
  printTable(
    ["INSTANCE", "SERVICE", "CPU NOW", "CPU SUGGESTED", "MEMORY NOW", "MEMORY SUGGESTED", "WHY"],
    out.map((r) => [
      r.instance,
      r.service,
      String(r.current.cpu),
      String(r.cpu),
      formatBytes(r.current.memory),
      formatBytes(r.memory),
      r.reason,
    ]),
  );
  process.stdout.write(
    `apply with \`aims update <instance> --tenant ${tenant} --service <service> --cpu <cores> --memory <size>\`\n`,
  );
}

/**
 * `aims stats [<instance>] --tenant T`: each container's newest sample (CPU as a share of its limit, memory use and
 * limit, network and block I/O since it started, pids); `--follow` redraws it every 2 s; `--recommend` suggests limits.
 */
export async function runStats(
  cmd: Command,
  instance: string | undefined,
  opts: StatsOptions,
): Promise<void> {
  if (opts.follow && opts.recommend)
    throw new AimsError("invalid_input", "--follow and --recommend do not go together: pick one");
  await withClient(cmd, async (client) => {
    const names = await instancesOf(client, opts.tenant, instance);
    if (opts.recommend) return recommend(client, opts.tenant, names, Boolean(opts.json));
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    for (;;) {
      const rows = await readRows(client, opts.tenant, names);
      if (opts.json && opts.follow) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else if (opts.json) printJson(rows);
      else {
        if (opts.follow && process.stdout.isTTY) process.stdout.write("\x1b[H\x1b[2J");
        if (rows.length) printRows(rows);
        else
          process.stdout.write(
            names.length
              ? "no samples in the last 2 minutes: none of these instances runs, or `aims serve` (which samples) is not running\n"
              : `no instances in tenant ${opts.tenant}\n`,
          );
      }
      if (!opts.follow) return;
      await sleep(FOLLOW_EVERY_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) return;
    }
  });
}

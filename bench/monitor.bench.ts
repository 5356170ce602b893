import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Docker from "dockerode";
import pLimit from "p-limit";
import { HOUR_MS, MINUTE_MS } from "../src/domain/resourceSamples.js";
import { readInstanceMetrics } from "../src/monitor/instanceMetrics.js";
import { createSampler } from "../src/monitor/samplePass.js";
import { LABEL } from "../src/runtime/RuntimeDriver.js";
import { findInstance } from "../src/store/instanceRepository.js";
import { type ResourceSampleRow, upsertSamples } from "../src/store/resourceSampleRepository.js";
import { hostCaller } from "../src/tenancy/principal.js";
import { benchActor, benchPlatform, seedReadyInstances } from "./platformFixture.js";
import { line, percentile } from "./stats.js";
import { summarizeTimings } from "./summary.js";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU seconds (user + system) a process has used, from /proc (the engine's, which answers the stats calls). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function dockerdPid(): number | undefined {
  try {
    return Number(execFileSync("pgrep", ["-xo", "dockerd"], { encoding: "utf8" }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts containers that look like instance containers to the sampler (this install's labels, a tenant, an
 * instance and a service each) but are only `sleep` in busybox with no network: what a pass costs does not depend
 * on what the container does. Not AIMS instances (no store rows): the reconciler is not part of this bench.
 */
async function startSleepers(installationId: string, from: number, to: number): Promise<void> {
  const limit = pLimit(8);
  await Promise.all(
    Array.from({ length: to - from }, (_, k) =>
      limit(async () => {
        const i = from + k;
        const c = await docker.createContainer({
          name: `aims-bench-monitor-${installationId.slice(0, 8)}-${i}`,
          Image: "aims-base/busybox:1",
          Cmd: ["sleep", "3600"],
          Labels: {
            [LABEL.managed]: "true",
            [LABEL.installation]: installationId,
            [LABEL.tenant]: `bench-tenant-${i % 10}`,
            [LABEL.instance]: `bench-instance-${i}`,
            [LABEL.service]: "web",
            [LABEL.replica]: "1",
          },
          HostConfig: { NetworkMode: "none", NanoCpus: 250_000_000, Memory: 32 * 1024 * 1024 },
        });
        await c.start();
      }),
    ),
  );
}

/**
 * Sampler cost per pass at 10, 100 (and BENCH_MONITOR_MAX, default 100; 500 with BENCH_MONITOR_MAX=500) running
 * containers: CPU of this process and of the engine (dockerd) per pass, as a share of one core at the default
 * 10 s interval; baseline in the same run: one list call over the same containers. Then the metrics query over
 * 7 days of 1-minute rollups (p50, p99), against a query of the last hour of raw samples.
 */
export async function benchMonitor(print: (line: string) => void = () => {}): Promise<string[]> {
  const max = Number(process.env.BENCH_MONITOR_MAX ?? 100);
  const out: string[] = [];
  // Rows are printed as they are measured: starting 500 containers takes minutes.
  const emit = (row: string) => {
    out.push(row);
    print(row);
  };
  emit("resource samples (src/monitor): cost per pass and metrics query");
  const { p, dispose } = await benchPlatform({ min: 57900, max: 57999 });
  const engine = dockerdPid();
  try {
    const r = await p.reconciler();
    const sampler = createSampler(r);
    let running = 0;
    for (const target of [10, 100, max].filter((n, i, a) => a.indexOf(n) === i && n <= max)) {
      await startSleepers(p.store.installationId, running, target);
      running = target;
      await sampler.pass(); // the first reading of each container (no CPU figure yet)
      const passes: number[] = [];
      const lists: number[] = [];
      let ownCpu = 0;
      let engineCpu = 0;
      const rounds = target >= 500 ? 3 : 10;
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        await r.runtime.listManaged({ [LABEL.installation]: p.store.installationId });
        lists.push(performance.now() - started);
        const cpu = process.cpuUsage();
        const engineBefore = engine ? processCpuSeconds(engine) : 0;
        const began = performance.now();
        const report = await sampler.pass();
        passes.push(performance.now() - began);
        const used = process.cpuUsage(cpu);
        ownCpu += (used.user + used.system) / 1e6;
        if (engine) engineCpu += processCpuSeconds(engine) - engineBefore;
        if (report.rows.length !== target) throw new Error(`pass sampled ${report.rows.length} of ${target}`);
      }
      const share = (seconds: number) => `${((seconds / rounds / 10) * 100).toFixed(2)}%`;
      summarizeTimings(`sampler pass over ${target} containers`, passes, {
        label: "one list call",
        values: lists,
      });
      emit(line(`  pass over ${target} containers`, passes, lists));
      emit(`  baseline: one list call (${target} containers)`.padEnd(44) + line("", lists).trim());
      emit(
        `  CPU per pass: aims ${((ownCpu / rounds) * 1000).toFixed(0)} ms, dockerd ${((engineCpu / rounds) * 1000).toFixed(0)} ms = ${share(ownCpu)} + ${share(engineCpu)} of one core at a 10 s interval`,
      );
    }

    // Metrics query: one instance with two replicas and 7 days of 1-minute rollups among 20 instances' worth.
    const [tenantId] = await seedReadyInstances(p, {
      tenants: ["bench-metrics"],
      instances: 20,
      plan: "sovereign",
    });
    const instances = await p.store.db
      .selectFrom("instances")
      .select(["id", "name"])
      .where("tenant_id", "=", tenantId!)
      .execute();
    const now = Date.now();
    const start = Math.floor((now - 7 * 86_400_000) / MINUTE_MS) * MINUTE_MS;
    let rows: ResourceSampleRow[] = [];
    const flush = async () => {
      await upsertSamples(p.store.db, rows);
      rows = [];
    };
    for (const inst of instances)
      for (let at = start; at < now; at += MINUTE_MS) {
        for (const replica of [1, 2])
          rows.push({
            resolution: "1m",
            at,
            tenant_id: tenantId!,
            instance_id: inst.id,
            service: "web",
            replica,
            samples: 6,
            cpu_cores: 0.1,
            cpu_cores_max: 0.2,
            cpu_limit_cores: 0.5,
            memory_bytes: 40e6,
            memory_bytes_max: 50e6,
            memory_limit_bytes: 64e6,
            network_rx_bytes: at - start,
            network_tx_bytes: at - start,
            block_read_bytes: 0,
            block_write_bytes: 0,
            pids: 4,
          });
        if (rows.length >= 5000) await flush();
      }
    await flush();
    const target = (await findInstance(p.store.db, tenantId!, instances[0]!.name))!;
    const raw: ResourceSampleRow[] = [];
    for (let at = now - HOUR_MS; at < now; at += 10_000)
      for (const replica of [1, 2]) raw.push({ ...rowsTemplate(tenantId!, target.id, replica), at });
    await upsertSamples(p.store.db, raw);
    const caller = hostCaller(benchActor);
    const time = async (query: { from: string }) => {
      const samples: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        await readInstanceMetrics(p, caller, "bench-metrics", target.name, query);
        samples.push(performance.now() - started);
      }
      return samples;
    };
    const week = await time({ from: new Date(now - 7 * 86_400_000 + MINUTE_MS).toISOString() });
    const hour = await time({ from: new Date(now - HOUR_MS).toISOString() });
    summarizeTimings("metrics query, 7 days of 1-minute rollups", week, {
      label: "the last hour raw",
      values: hour,
    });
    emit(
      `  metrics query, 7 days of 1-minute rollups (2 replicas, 20 instances stored): p50 ${percentile(week, 50).toFixed(1)} ms  p99 ${percentile(week, 99).toFixed(1)} ms`,
    );
    emit(
      `  baseline: the last hour of raw samples: p50 ${percentile(hour, 50).toFixed(1)} ms  p99 ${percentile(hour, 99).toFixed(1)} ms  ratio p99 ${(percentile(week, 99) / percentile(hour, 99)).toFixed(2)}x`,
    );
  } finally {
    const { containers } = await docker
      .listContainers({ all: true, filters: { label: [`${LABEL.installation}=${p.store.installationId}`] } })
      .then((c) => ({ containers: c }));
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    await dispose();
  }
  return out;
}

function rowsTemplate(tenantId: string, instanceId: string, replica: number): Omit<ResourceSampleRow, "at"> {
  return {
    resolution: "raw",
    tenant_id: tenantId,
    instance_id: instanceId,
    service: "web",
    replica,
    samples: 1,
    cpu_cores: 0.1,
    cpu_cores_max: 0.1,
    cpu_limit_cores: 0.5,
    memory_bytes: 40e6,
    memory_bytes_max: 40e6,
    memory_limit_bytes: 64e6,
    network_rx_bytes: 0,
    network_tx_bytes: 0,
    block_read_bytes: 0,
    block_write_bytes: 0,
    pids: 4,
  };
}

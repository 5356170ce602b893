import type { FastifyReply, FastifyRequest } from "fastify";
import { metricsQuerySchema } from "../../domain/metricsQuery.js";
import { readInstanceMetrics } from "../../monitor/instanceMetrics.js";
import { instanceSamples } from "../../store/resourceSampleRepository.js";
import type { Caller } from "../../tenancy/principal.js";
import { instanceMetricsSchema } from "../responses/metrics.js";
import { type ApiServices, defineRoute } from "../route.js";
import { startEventStream } from "../streams/streamHeaders.js";
import { instanceParams } from "./params.js";
import { requireInstanceFor, sameInstanceStill } from "./requireInstance.js";

/** A slow reader's queue past this is dropped (it reconnects; samples are kept in the store). */
const MAX_BUFFERED = 1024 * 1024;

/**
 * Live samples of one instance as server-sent events (`event: sample`, one per container per sampler pass),
 * read from the store as the sampler writes them; the credential is re-checked at every heartbeat.
 */
async function streamSamples(
  services: ApiServices,
  caller: Caller,
  request: FastifyRequest,
  reply: FastifyReply,
  params: { tenant: string; name: string },
): Promise<void> {
  const { platform, streams, metrics } = services;
  const { tenant, instance } = await requireInstanceFor(
    platform,
    caller,
    params.tenant,
    params.name,
    "instance.read",
  );
  const raw = reply.raw;
  let timer: NodeJS.Timeout | undefined;
  const write = (text: string) => {
    if (raw.writableLength > MAX_BUFFERED) return void raw.destroy();
    raw.write(text);
  };
  const live = streams.open({
    request,
    principal: caller.principal,
    tenantId: tenant.id,
    question: `samples ${params.tenant}/${params.name} ${instance.id}`,
    authorise: sameInstanceStill(platform, caller, params.tenant, params.name, instance.id, "instance.read"),
    heartbeat: () => write(": heartbeat\n\n"),
    end: () => {
      clearTimeout(timer);
      metrics.sseSubscribers.dec();
      raw.end();
    },
  });
  startEventStream(request, reply);
  raw.write("retry: 2000\n\n");
  metrics.sseSubscribers.inc();
  request.raw.on("close", () => live.end());
  // From the newest pass on: a client wants what happens now; the JSON answer has the history.
  let after = Date.now() - platform.config.monitor.intervalMs;
  const pollMs = Math.min(1000, Math.max(100, Math.floor(platform.config.monitor.intervalMs / 4)));
  const poll = async () => {
    if (live.ended) return;
    try {
      const rows = await instanceSamples(platform.store.db, {
        instanceId: instance.id,
        resolution: "raw",
        from: after + 1,
        to: Number.MAX_SAFE_INTEGER,
      });
      for (const r of rows) {
        after = Math.max(after, r.at);
        write(
          `event: sample\ndata: ${JSON.stringify({
            at: new Date(r.at).toISOString(),
            service: r.service,
            replica: r.replica,
            cpuCores: r.cpu_cores,
            cpuLimitCores: r.cpu_limit_cores,
            memoryBytes: r.memory_bytes,
            memoryLimitBytes: r.memory_limit_bytes,
            networkRxBytes: r.network_rx_bytes,
            networkTxBytes: r.network_tx_bytes,
            blockReadBytes: r.block_read_bytes,
            blockWriteBytes: r.block_write_bytes,
            pids: r.pids,
          })}\n\n`,
        );
      }
    } catch {
      return live.end();
    }
    if (!live.ended) timer = setTimeout(() => void poll(), pollMs);
  };
  void poll();
}

/** An instance's resource samples: a time series (JSON), or live samples (Accept: text/event-stream). */
export const instanceMetricsRoutes = [
  defineRoute({
    method: "GET",
    url: "/v1/tenants/:tenant/instances/:name/metrics",
    summary:
      "The instance's CPU, memory, network, block I/O and pids per container between `from` and `to` (default the last hour), a point per `step` seconds, and its volumes' sizes. With Accept: text/event-stream, live samples as they are taken (`event: sample`)",
    response: instanceMetricsSchema,
    tag: "instances",
    auth: "required",
    params: instanceParams,
    query: metricsQuerySchema,
    example: { query: { step: "60" } },
    handler: async ({ services, caller, params, query, request, reply }) => {
      if ((request.headers.accept ?? "").includes("text/event-stream")) {
        await streamSamples(services, caller, request, reply, params);
        return undefined;
      }
      return readInstanceMetrics(services.platform, caller, params.tenant, params.name, query);
    },
  }),
];

import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { createApiServer, ensureOperatorKey } from "../src/api/server.js";
import { benchPlatform, seedReadyInstances } from "./platformFixture.js";
import { percentile } from "./stats.js";
import { summarizeTimings } from "./summary.js";

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request; resolves with its status once the whole body has arrived (an SSE turn ends with the turn). */
function call(base: string, method: string, path: string, key: string, body?: unknown, accept?: string) {
  return new Promise<number>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          ...(accept ? { accept } : {}),
          ...(payload ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function timed(n: number, run: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const status = await run();
    out.push(performance.now() - t);
    if (status >= 400) throw new Error(`request ${i} answered ${status}`);
  }
  return out;
}

const row = (label: string, values: number[], baseline?: number[]) =>
  `${label.padEnd(52)} p50 ${percentile(values, 50).toFixed(2).padStart(8)} ms  p99 ${percentile(values, 99).toFixed(2).padStart(8)} ms  n=${values.length}${baseline ? `  ${(percentile(values, 50) / percentile(baseline, 50)).toFixed(1)}x the GET` : ""}`;

/**
 * A chat round trip for a read tool through the API: "what's running?" as one JSON turn and as server-sent
 * events (each a new conversation: engine, tool, two stored messages), against the direct GET of the same
 * instances in the same run. The tenant holds `instances` ready rows (no containers: the store is what is read).
 */
export async function benchChat(options: { instances?: number; requests?: number } = {}): Promise<string[]> {
  const instances = options.instances ?? 20;
  const requests = options.requests ?? 300;
  const { p, dispose } = await benchPlatform({ min: 54800, max: 54849 });
  try {
    const key = readFileSync((await ensureOperatorKey(p)).path, "utf8").trim();
    await seedReadyInstances(p, { tenants: ["bench"], instances, plan: "sovereign" });
    const app = await createApiServer(p);
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const get = () => call(base, "GET", "/v1/tenants/bench/instances", key);
    const ask = { message: "what's running?" };
    const chat = () => call(base, "POST", "/v1/tenants/bench/chat", key, ask);
    const chatSse = () => call(base, "POST", "/v1/tenants/bench/chat", key, ask, "text/event-stream");
    await timed(30, get);
    await timed(30, chat);
    const baseline = await timed(requests, get);
    const json = await timed(requests, chat);
    const sse = await timed(requests, chatSse);
    await app.close();
    const direct = { label: "GET …/instances", values: baseline };
    summarizeTimings(`chat "what's running?" (JSON turn)`, json, direct);
    summarizeTimings(`chat "what's running?" (SSE, until done)`, sse, direct);
    return [
      row(`GET /v1/tenants/{t}/instances (${instances} instances)`, baseline),
      row(`POST …/chat "what's running?" (JSON turn)`, json, baseline),
      row(`POST …/chat "what's running?" (SSE, until done)`, sse, baseline),
    ];
  } finally {
    await dispose();
  }
}

import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { percentile } from "./stats.js";

/** What a run at a fixed rate saw: latency percentiles in ms (microsecond resolution) and the failures. */
export interface RateResult {
  p50: number;
  p99: number;
  sent: number;
  failed: number;
}

/**
 * An open-loop load at a fixed request rate below saturation: requests leave on schedule (not when the last
 * one answered) over `connections` keep-alive sockets, each timed from its send to the end of its body with
 * `performance.now()`. autocannon records whole milliseconds, too coarse for what a proxy adds at low load.
 */
export async function atFixedRate(
  url: string,
  options: { rate: number; durationMs: number; connections: number; host?: string },
): Promise<RateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let failed = 0;
  const one = () =>
    new Promise<void>((done) => {
      const t0 = performance.now();
      const req = request(
        url,
        { agent, ...(options.host ? { headers: { host: options.host } } : {}) },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode === 200) latencies.push(performance.now() - t0);
            else failed++;
            done();
          });
        },
      );
      req.on("error", () => {
        failed++;
        done();
      });
      req.end();
    });
  const interval = 1000 / options.rate;
  const start = performance.now();
  let sent = 0;
  for (let now = start; now - start < options.durationMs; now = performance.now()) {
    const due = Math.floor((now - start) / interval) + 1;
    for (; sent < due; sent++) pending.push(one());
    await sleep(1);
  }
  await Promise.all(pending);
  agent.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), sent, failed };
}

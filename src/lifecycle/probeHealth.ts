import { get as httpGet } from "node:http";
import { connect } from "node:net";
import type { HealthCheck } from "../domain/manifest.js";
import type { RuntimeDriver } from "../runtime/RuntimeDriver.js";

/** One probe's verdict: healthy, or the reason it is not (yet). */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Runs one health probe against a container reachable at `address` (its IP on the instance network). */
export async function probeHealth(
  driver: RuntimeDriver,
  container: string,
  address: string,
  check: HealthCheck,
  timeoutMs: number,
): Promise<ProbeResult> {
  const limit = check.timeoutMs ?? timeoutMs;
  if ("http" in check)
    return probeHttp(`http://${hostPart(address)}:${check.http.port}${check.http.path}`, limit);
  if ("tcp" in check) return probeTcp(address, check.tcp.port, limit);
  try {
    const { exitCode, output } = await driver.exec(container, check.command, limit);
    return exitCode === 0
      ? { ok: true }
      : { ok: false, reason: `command exited ${exitCode}: ${output.trim().slice(-200)}` };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

function hostPart(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/**
 * One GET with node:http (not fetch: undici's loading and first use cost a CLI process ~30 ms); redirects are
 * answers, not followed. The body is drained, and the socket closed with it (no keep-alive to hold a process open).
 */
function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  const path = new URL(url).pathname;
  return new Promise((resolve) => {
    const req = httpGet(
      url,
      { agent: false, timeout: timeoutMs, headers: { connection: "close" } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(
          status >= 200 && status < 400
            ? { ok: true }
            : { ok: false, reason: `GET ${path} answered HTTP ${status}` },
        );
      },
    );
    req.once("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "timed out" })));
    req.once("error", (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, reason: `GET ${path} failed: ${err.code ?? err.message}` }),
    );
  });
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("connect", () => done({ ok: true }));
    socket.once("timeout", () => done({ ok: false, reason: `tcp ${port}: timed out` }));
    socket.once("error", (err: NodeJS.ErrnoException) =>
      done({ ok: false, reason: `tcp ${port}: ${err.code ?? err.message}` }),
    );
  });
}

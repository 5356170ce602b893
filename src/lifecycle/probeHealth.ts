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

async function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 400) return { ok: true };
    return { ok: false, reason: `GET ${new URL(url).pathname} answered HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `GET ${new URL(url).pathname} failed: ${cause ?? (err as Error).message}` };
  }
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

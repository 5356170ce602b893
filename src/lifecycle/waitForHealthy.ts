import { AimsError } from "../domain/errors.js";
import type { HealthCheck } from "../domain/manifest.js";
import type { ContainerState, RuntimeDriver } from "../runtime/RuntimeDriver.js";
import { probeHealth } from "./probeHealth.js";

export interface HealthGateOptions {
  initialIntervalMs: number;
  intervalMs: number;
  timeoutMs: number;
  probeTimeoutMs: number;
}

/** Next poll delay: fast first (tens of ms), doubling up to the configured interval. */
export function nextDelay(previous: number, options: HealthGateOptions): number {
  return Math.min(options.intervalMs, Math.max(options.initialIntervalMs, previous * 2));
}

/**
 * Waits until the container passes its health check (or, without one, is running), polling fast first
 * and backing off. Fails early with the exit code and last log lines when the container exits.
 */
export async function waitForHealthy(
  driver: RuntimeDriver,
  container: string,
  network: string,
  check: HealthCheck | undefined,
  options: HealthGateOptions,
): Promise<void> {
  const deadline = Date.now() + (check?.startTimeoutMs ?? options.timeoutMs);
  let delay = 0;
  let lastReason = "not probed yet";
  let stableRuns = 0;
  for (;;) {
    const state = await driver.inspectContainer(container);
    if (!state) throw new AimsError("failed", `container ${container} disappeared while starting`);
    if (!state.running) throw new AimsError("failed", await exitReason(driver, state));
    if (check) {
      const address = state.ipAddresses[network];
      if (address) {
        const result = await probeHealth(driver, container, address, check, options.probeTimeoutMs);
        if (result.ok) return;
        lastReason = result.reason;
      } else lastReason = "container has no address on its network yet";
    } else {
      // No health check: running across two polls counts as started.
      stableRuns += 1;
      if (stableRuns >= 2) return;
    }
    if (Date.now() >= deadline) {
      throw new AimsError(
        "failed",
        `service did not become healthy within ${Math.round((check?.startTimeoutMs ?? options.timeoutMs) / 1000)}s: ${lastReason}`,
      );
    }
    delay = nextDelay(delay, options);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** A person-readable reason for an exited container: exit code, OOM, last log lines. */
export async function exitReason(driver: RuntimeDriver, state: ContainerState): Promise<string> {
  const lines: string[] = [];
  try {
    for await (const chunk of driver.logs(state.id, { follow: false, tail: 5 })) lines.push(chunk);
  } catch {
    // logs are best effort in a failure message
  }
  const tail = lines.join("").trim().split("\n").slice(-5).join(" | ").slice(0, 600);
  const oom = state.oomKilled ? " (killed: out of memory — raise the memory limit)" : "";
  return `container exited with code ${state.exitCode}${oom}${tail ? `; last log lines: ${tail}` : ""}`;
}

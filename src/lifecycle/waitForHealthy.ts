import { AimsError } from "../domain/errors.js";
import { type ExitEvidence, exitSentence } from "../domain/instanceFailure.js";
import type { HealthCheck } from "../domain/manifest.js";
import type { ContainerState, ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";
import { probeHealth } from "./probeHealth.js";

export interface HealthGateOptions {
  initialIntervalMs: number;
  intervalMs: number;
  timeoutMs: number;
  probeTimeoutMs: number;
}

/** How often a long health wait says it is still waiting. */
export const STILL_WAITING_EVERY_MS = 5000;

/** For this long after start a container is polled at the first interval (most services are up by then). */
const FAST_FOR_MS = 1000;

/** With a health check, how often the engine is asked whether the container still runs (probes say the rest). */
const INSPECT_EVERY_MS = 250;

/** Next poll delay: the first interval (tens of ms) for the first second, then doubling up to the configured interval. */
export function nextDelay(previous: number, elapsedMs: number, options: HealthGateOptions): number {
  if (elapsedMs < FAST_FOR_MS) return options.initialIntervalMs;
  return Math.min(options.intervalMs, Math.max(options.initialIntervalMs, previous * 2));
}

/**
 * Waits until the container passes its health check (or, without one, is running), polling from the moment
 * it started, fast for the first second and backing off after; every 5 s it tells `progress` that `label` is
 * not healthy yet, and why. Fails early with the exit code and last log lines when the container exits: the
 * engine is asked about it on the first poll (its address), then every 250 ms while probes fail.
 */
export async function waitForHealthy(
  driver: RuntimeDriver,
  container: string,
  network: string,
  check: HealthCheck | undefined,
  options: HealthGateOptions,
  progress: { sink: ProgressSink; label: string } = { sink: () => {}, label: container },
): Promise<void> {
  const started = Date.now();
  const deadline = started + (check?.startTimeoutMs ?? options.timeoutMs);
  let said = started;
  let delay = 0;
  let lastReason = "not probed yet";
  let stableRuns = 0;
  let address: string | undefined;
  let inspectedAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    if (!check || !address || Date.now() - inspectedAt >= INSPECT_EVERY_MS) {
      const state = await driver.inspectContainer(container);
      inspectedAt = Date.now();
      if (!state) throw new AimsError("failed", `container ${container} disappeared while starting`);
      if (!state.running) throw new ContainerExitedError(container, await exitEvidence(driver, state));
      address = state.ipAddresses[network];
    }
    if (check) {
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
    if (Date.now() - said >= STILL_WAITING_EVERY_MS) {
      said = Date.now();
      progress.sink(
        `${progress.label} not healthy yet after ${Math.round((said - started) / 1000)} s: ${lastReason}`,
      );
    }
    delay = nextDelay(delay, Date.now() - started, options);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** A container that exited while AIMS waited for it: the sentence plus its evidence. */
export class ContainerExitedError extends AimsError {
  constructor(
    readonly container: string,
    readonly evidence: ExitEvidence,
  ) {
    super("failed", exitSentence(evidence));
  }
}

/** Exit code, OOM kill and the last 5 log lines of an exited container (logs are best effort). */
export async function exitEvidence(driver: RuntimeDriver, state: ContainerState): Promise<ExitEvidence> {
  const chunks: string[] = [];
  try {
    for await (const chunk of driver.logs(state.id, { follow: false, tail: 5 })) chunks.push(chunk);
  } catch {
    // logs are best effort in a failure message
  }
  const logLines = chunks.join("").trim().split("\n").filter(Boolean).slice(-5);
  return { exitCode: state.exitCode, oomKilled: state.oomKilled, logLines };
}

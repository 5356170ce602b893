import type { HealthCheck } from "../domain/manifest.js";
import { parseDuration } from "./composeValues.js";
import type { Findings } from "./composeVariables.js";
import { isMapping } from "./parseCompose.js";

/** Seconds AIMS waits for a first healthy probe at least: a slow first start must not fail the deploy. */
const MIN_START_WAIT_MS = 60_000;

/** A compose `healthcheck` as a command health check; undefined for none, `NONE` or `disable: true`. */
export function healthCheck(service: string, value: unknown, findings: Findings): HealthCheck | undefined {
  if (value === undefined) return undefined;
  if (!isMapping(value)) {
    findings.refuse(service, "healthcheck", "must be a mapping with `test:`");
    return undefined;
  }
  if (value.disable === true) return undefined;
  const test = value.test;
  let command: string[] | undefined;
  if (typeof test === "string") command = ["/bin/sh", "-c", test];
  else if (Array.isArray(test) && test.every((t) => typeof t === "string")) {
    const [kind, ...rest] = test as string[];
    if (kind === "NONE") return undefined;
    if (kind === "CMD" && rest.length) command = rest;
    else if (kind === "CMD-SHELL" && rest.length) command = ["/bin/sh", "-c", rest.join(" ")];
  }
  if (!command) {
    findings.refuse(
      service,
      "healthcheck.test",
      'must be ["CMD", ...], ["CMD-SHELL", "..."], ["NONE"] or a shell command',
    );
    return undefined;
  }
  const timing = (key: string) => {
    if (value[key] === undefined) return undefined;
    const ms = parseDuration(value[key]);
    if (typeof ms === "string") {
      findings.refuse(service, `healthcheck.${key}`, ms);
      return undefined;
    }
    return ms;
  };
  const clamp = (ms: number, key: string) => {
    const bounded = Math.min(60_000, Math.max(100, ms));
    if (bounded !== ms)
      findings.change(
        service,
        `healthcheck.${key}`,
        `${ms} ms is taken as ${bounded} ms (AIMS probes every 0.1-60 s)`,
      );
    return bounded;
  };
  const interval = timing("interval");
  const timeout = timing("timeout");
  const startPeriod = timing("start_period") ?? 0;
  const retries = typeof value.retries === "number" && value.retries > 0 ? value.retries : 3;
  timing("start_interval");
  const wait = startPeriod + ((interval ?? 30_000) + (timeout ?? 30_000)) * retries;
  return {
    command,
    ...(interval !== undefined ? { intervalMs: clamp(interval, "interval") } : {}),
    ...(timeout !== undefined ? { timeoutMs: clamp(timeout, "timeout") } : {}),
    startTimeoutMs: Math.min(900_000, Math.max(MIN_START_WAIT_MS, wait)),
  };
}

import type Dockerode from "dockerode";
import type { ContainerState } from "../RuntimeDriver.js";

/** Docker's "never happened" timestamp. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

const timestamp = (value: string | undefined): string | undefined =>
  value && value !== ZERO_TIME ? value : undefined;

/** The driver's view of a container from the engine's inspect answer. */
export function toContainerState(info: Dockerode.ContainerInspectInfo): ContainerState {
  const ipAddresses: Record<string, string> = {};
  for (const [network, endpoint] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
    if (endpoint?.IPAddress) ipAddresses[network] = endpoint.IPAddress;
  }
  const startedAt = timestamp(info.State.StartedAt);
  const finishedAt = timestamp(info.State.FinishedAt);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: info.Config.Image,
    labels: { ...(info.Config.Labels ?? {}) },
    running: info.State.Running,
    status: info.State.Status,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    restartCount: info.RestartCount,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ipAddresses,
  };
}

/**
 * The driver's view of a container from the engine's list answer (one call for all containers). The
 * exit code is read from the status text; OOM and restart count need an inspect and read false/0 here.
 */
export function summaryToContainerState(info: Dockerode.ContainerInfo): ContainerState {
  const ipAddresses: Record<string, string> = {};
  for (const [network, endpoint] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
    if (endpoint?.IPAddress) ipAddresses[network] = endpoint.IPAddress;
  }
  const exited = /^Exited \((-?\d+)\)/.exec(info.Status ?? "");
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id).replace(/^\//, ""),
    image: info.Image,
    labels: { ...(info.Labels ?? {}) },
    // A paused container (an export copying its volumes) still runs, as the engine's inspect says: the tick
    // must not take it for a crash and replace it.
    running: info.State === "running" || info.State === "paused",
    status: info.State,
    exitCode: exited ? Number(exited[1]) : 0,
    oomKilled: false,
    restartCount: 0,
    ipAddresses,
  };
}

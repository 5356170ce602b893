import type Dockerode from "dockerode";
import type { ContainerSpec } from "../RuntimeDriver.js";

/** json-file with rotation, so a chatty plug cannot fill the host's disk. */
const LOG_CONFIG = { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } };

/**
 * The engine's create body for a ContainerSpec: hardened defaults (all capabilities dropped,
 * no-new-privileges, no swap beyond the memory limit) and no restart policy, because the AIMS reconciler
 * is the single restarter (two restarters would fight over crash-looping containers).
 */
export function toCreateOptions(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  for (const port of spec.exposedPorts) exposed[`${port}/tcp`] = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of spec.ports) {
    const key = `${port.containerPort}/${port.protocol}`;
    exposed[key] = {};
    bindings[key] = [...(bindings[key] ?? []), { HostIp: port.bindAddress, HostPort: String(port.hostPort) }];
  }
  return {
    name: spec.name,
    Image: spec.image,
    Labels: { ...spec.labels },
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      Mounts: spec.mounts.map((m) => ({
        Type: "volume",
        Source: m.volume,
        Target: m.path,
        ReadOnly: m.readOnly,
      })),
      NanoCpus: spec.limits.nanoCpus,
      Memory: spec.limits.memoryBytes,
      MemorySwap: spec.limits.memoryBytes,
      PidsLimit: spec.limits.pids,
      CapDrop: ["ALL"],
      CapAdd: [...spec.capAdd],
      SecurityOpt: ["no-new-privileges:true"],
      // tini as PID 1: signals reach the app (a shell or httpd as PID 1 ignores SIGTERM) and zombies are reaped.
      Init: true,
      RestartPolicy: { Name: "no" },
      NetworkMode: spec.network,
      LogConfig: LOG_CONFIG,
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [...spec.aliases] } } },
  };
}

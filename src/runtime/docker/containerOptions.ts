import type Dockerode from "dockerode";
import type { ContainerSpec } from "../RuntimeDriver.js";

/**
 * The engine's create body for a ContainerSpec, field for field: limits, hardening, restart policy and
 * logging are decided when the spec is rendered (catalog/containerHardening.ts), never here.
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
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.stopSignal ? { StopSignal: spec.stopSignal } : {}),
    ...(spec.stopTimeoutSeconds !== undefined ? { StopTimeout: spec.stopTimeoutSeconds } : {}),
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
      MemorySwap: spec.limits.memorySwapBytes,
      PidsLimit: spec.limits.pids,
      CapDrop: [...spec.security.capDrop],
      CapAdd: [...spec.security.capAdd],
      SecurityOpt: spec.security.noNewPrivileges ? ["no-new-privileges:true"] : [],
      Init: spec.init,
      RestartPolicy: { Name: spec.restartPolicy },
      NetworkMode: spec.network,
      LogConfig: {
        Type: spec.logging.driver,
        Config: { "max-size": spec.logging.maxSize, "max-file": String(spec.logging.maxFiles) },
      },
    },
    NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [...spec.aliases] } } },
  };
}

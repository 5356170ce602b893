import type { ContainerSpec } from "../runtime/RuntimeDriver.js";

/** The hardening fields of a ContainerSpec. */
export type ContainerHardening = Pick<ContainerSpec, "security" | "init" | "restartPolicy" | "logging">;

/**
 * The hardening every AIMS container runs with: all capabilities dropped except `capAdd` (the manifest
 * allows only a short list), no-new-privileges, tini as PID 1, no engine restarts, rotated json-file logs.
 * @example const spec: ContainerSpec = { ...rest, ...containerHardening(service.capAdd) };
 */
export function containerHardening(capAdd: readonly string[]): ContainerHardening {
  return {
    security: { capDrop: ["ALL"], capAdd: [...capAdd], noNewPrivileges: true },
    // tini as PID 1: signals reach the app (a shell or httpd as PID 1 ignores SIGTERM) and zombies are reaped.
    init: true,
    // The reconciler is the single restarter: two restarters would fight over crash-looping containers.
    restartPolicy: "no",
    // Rotation, so a chatty plug cannot fill the host's disk.
    logging: { driver: "json-file", maxSize: "10m", maxFiles: 3 },
  };
}

import { type InstancePlan, resolveEnv } from "../catalog/renderInstance.js";

/**
 * A dry run's plan as a person (CLI) or a program (API) sees it: network, volumes, containers with image,
 * user, env, limits and capabilities, ports; secrets by name only (`<secret:KEY>` in env).
 */
export function planView(plan: InstancePlan) {
  return {
    network: plan.network.name,
    volumes: plan.volumes.map((v) => ({ name: v.name, service: v.service, path: v.path })),
    containers: plan.containers.map((c) => ({
      name: c.spec.name,
      service: c.service,
      image: c.spec.image,
      user: c.spec.user ?? "(image default)",
      env: resolveEnv(c.spec.env, "redacted"),
      limits: {
        cpus: c.spec.limits.nanoCpus / 1e9,
        memoryMiB: Math.round(c.spec.limits.memoryBytes / 1048576),
        pids: c.spec.limits.pids,
      },
      capabilities: { drop: c.spec.security.capDrop, add: c.spec.security.capAdd },
      dependsOn: c.dependsOn,
    })),
    ports: plan.ports.map((p) => ({
      service: p.service,
      name: p.name,
      container: p.containerPort,
      protocol: p.protocol,
      host: p.hostPort ?? null,
    })),
    secrets: plan.secretKeys,
  };
}

export type PlanView = ReturnType<typeof planView>;

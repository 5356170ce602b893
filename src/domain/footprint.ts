import { LEGACY_DEFAULT_RESOURCES, type ServiceResources } from "./sizedPlug.js";

/** What one instance takes: cores, bytes of memory and processes over its services × replicas, and its volumes. */
export interface Footprint extends ServiceResources {
  volumes: number;
}

export const NO_FOOTPRINT: Readonly<Footprint> = { cpu: 0, memory: 0, pids: 0, volumes: 0 };

/**
 * The parts of a stored spec a footprint reads. Loose on purpose: the usage of a tenant is read from many
 * rows at once without re-validating each manifest (src/quota/tenantUsage.ts).
 */
export interface SpecShape {
  plug: {
    services: ReadonlyArray<{
      name: string;
      resources?: Partial<ServiceResources>;
      volumes?: readonly unknown[];
    }>;
  };
  replicas?: Readonly<Record<string, number>>;
  resources?: Readonly<Record<string, Partial<ServiceResources>>>;
}

/** Cores summed with float noise removed, so 0.1 + 0.2 compares as 0.3. */
export function sumCpu(a: number, b: number): number {
  return Math.round((a + b) * 1e6) / 1e6;
}

/**
 * An instance's footprint: each service's limits (an `aims update` override, else its sized manifest) times its
 * replicas, summed; a service's volumes count once (a service with volumes runs one replica).
 * @example instanceFootprint(parseSpec(row.spec)) // { cpu: 0.5, memory: 134217728, pids: 128, volumes: 0 }
 */
export function instanceFootprint(spec: SpecShape): Footprint {
  let total: Footprint = { ...NO_FOOTPRINT };
  for (const svc of spec.plug.services) {
    const replicas = spec.replicas?.[svc.name] ?? 1;
    const limits = { ...LEGACY_DEFAULT_RESOURCES, ...svc.resources, ...spec.resources?.[svc.name] };
    total = {
      cpu: sumCpu(total.cpu, limits.cpu * replicas),
      memory: total.memory + limits.memory * replicas,
      pids: total.pids + limits.pids * replicas,
      volumes: total.volumes + (svc.volumes?.length ?? 0),
    };
  }
  return total;
}

/** The replicas of each service of a spec (1 where it says nothing). */
export function replicasOf(spec: SpecShape): Record<string, number> {
  return Object.fromEntries(spec.plug.services.map((s) => [s.name, spec.replicas?.[s.name] ?? 1]));
}

import type { Plug, PlugService } from "./manifest.js";

/** Cores, bytes of memory and processes a service is given. */
export interface ServiceResources {
  cpu: number;
  memory: number;
  pids: number;
}

/** A service with every resource settled: what its manifest declares, else its tenant's plan's default. */
export type SizedService = Omit<PlugService, "resources"> & { resources: ServiceResources };

/** A plug whose services are all sized: what an instance's spec pins and what rendering reads. */
export type SizedPlug = Omit<Plug, "services"> & { services: SizedService[] };

/**
 * What a service that declared no resources was given before plans existed. Every stored spec has its
 * resources written out; this only keeps a stored manifest whole if one ever lacks them.
 */
export const LEGACY_DEFAULT_RESOURCES: Readonly<ServiceResources> = {
  cpu: 0.5,
  memory: 256 * 1024 * 1024,
  pids: 256,
};

/**
 * The plug with each resource a service leaves out filled from `defaults` (the tenant's plan's
 * `defaultResources`), never above the service's own `maxResources`. Declared values are kept as they are,
 * so a plug that declares everything is unchanged.
 * @example sizePlug(plug, plans.get("starter").defaultResources)
 */
export function sizePlug(plug: Plug | SizedPlug, defaults: Readonly<ServiceResources>): SizedPlug {
  return {
    ...plug,
    services: plug.services.map((svc) => ({ ...svc, resources: sizeService(svc, defaults) })),
  };
}

function sizeService(
  svc: Pick<PlugService, "resources" | "maxResources">,
  defaults: Readonly<ServiceResources>,
): ServiceResources {
  const declared = svc.resources ?? {};
  const max = svc.maxResources ?? {};
  const fill = (key: keyof ServiceResources) =>
    declared[key] ?? Math.min(defaults[key], max[key] ?? Number.POSITIVE_INFINITY);
  return { cpu: fill("cpu"), memory: fill("memory"), pids: fill("pids") };
}

/** True when the manifest itself declares every resource of every service (nothing comes from a plan). */
export function declaresAllResources(plug: Plug): boolean {
  return plug.services.every(
    (s) =>
      s.resources?.cpu !== undefined && s.resources.memory !== undefined && s.resources.pids !== undefined,
  );
}

import { sumCpu } from "./footprint.js";
import { formatCpus, formatSize } from "./quantities.js";

/**
 * Host capacity (docs/plans.md): the memory limits of every instance meant to run, across tenants, may add up
 * to the host's memory times `memoryOvercommit`; CPU limits likewise only when `cpuOvercommit` is set (CPU limits
 * are caps the kernel shares out, not reservations). Pure: src/quota/ reads the figures.
 */
export interface HostCapacity {
  memoryBytes: number;
  memoryOvercommit: number;
  cpus: number;
  /** Unset: CPU is not checked. */
  cpuOvercommit?: number;
}

/** What instances meant to run are given now, and what a change adds. */
export interface HostLoad {
  cpu: number;
  memory: number;
}

/**
 * The refusal of a change that would give instances meant to run more than the host holds, or undefined when it
 * fits. Only growth is refused: a change that adds nothing passes even on a host already over.
 * @example "host capacity: instances meant to run are given 30.5g of 36g (24g × 1.5); this deploy needs 8g more. …"
 */
export function hostCapacityRefusal(
  capacity: HostCapacity,
  used: HostLoad,
  adds: HostLoad,
  what: string,
): string | undefined {
  const memoryCap = capacity.memoryBytes * capacity.memoryOvercommit;
  if (adds.memory > 0 && used.memory + adds.memory > memoryCap)
    return `host capacity: instances meant to run are given ${formatSize(used.memory)} of ${formatSize(memoryCap)} (${formatSize(capacity.memoryBytes)} × ${capacity.memoryOvercommit}); ${what} needs ${formatSize(adds.memory)} more. Stop or remove instances, or the operator raises capacity.memoryOvercommit in config.yaml (docs/plans.md)`;
  if (capacity.cpuOvercommit === undefined) return undefined;
  const cpuCap = sumCpu(capacity.cpus * capacity.cpuOvercommit, 0);
  if (adds.cpu > 0 && sumCpu(used.cpu, adds.cpu) > cpuCap)
    return `host capacity: instances meant to run are given ${formatCpus(used.cpu)} of ${formatCpus(cpuCap)} (${capacity.cpus} × ${capacity.cpuOvercommit}); ${what} needs ${formatCpus(adds.cpu)} more. Stop or remove instances, or the operator raises capacity.cpuOvercommit in config.yaml (docs/plans.md)`;
  return undefined;
}

import { availableParallelism, totalmem } from "node:os";
import type { AimsConfig } from "../config.js";
import type { HostCapacity } from "../domain/hostCapacity.js";

/** This host's capacity: its memory and cores (or `capacity.memoryBytes` / `capacity.cpus`) and the overcommits. */
export function hostCapacityOf(config: Pick<AimsConfig, "capacity">): HostCapacity {
  const { capacity } = config;
  return {
    memoryBytes: capacity.memoryBytes ?? totalmem(),
    memoryOvercommit: capacity.memoryOvercommit,
    cpus: capacity.cpus ?? availableParallelism(),
    ...(capacity.cpuOvercommit !== undefined ? { cpuOvercommit: capacity.cpuOvercommit } : {}),
  };
}

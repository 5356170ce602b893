/**
 * The contract between lifecycle operations / the reconciler and a container runtime (Docker today,
 * Swarm and Coolify later). Drivers do what they are told and never decide policy.
 */

export type Labels = Record<string, string>;

/** Label keys every object AIMS creates carries (defined with the naming scheme in domain/objectNames). */
export { LABEL } from "../domain/objectNames.js";

export interface EngineInfo {
  version: string;
  apiVersion: string;
  /** Address pools from the engine (or its daemon.json) used for new networks; empty when unknown. */
  addressPools: Array<{ base: string; size: number }>;
  storageDriver: string;
}

export interface NetworkSpec {
  name: string;
  labels: Labels;
}

export interface VolumeSpec {
  name: string;
  labels: Labels;
}

export interface PublishedPort {
  containerPort: number;
  protocol: "tcp";
  hostPort: number;
  bindAddress: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  /** Plain values, secrets included: never log a ContainerSpec. */
  env: Record<string, string>;
  network: string;
  /** DNS names this container answers to inside its network (the service name). */
  aliases: string[];
  /** Only public ports appear here; internal ports are reachable on the network without publishing. */
  ports: PublishedPort[];
  /** Container ports the image listens on (exposed to the network, not published). */
  exposedPorts: number[];
  mounts: Array<{ volume: string; path: string; readOnly: boolean }>;
  /** `memorySwapBytes` is memory plus swap, as the engine counts it: equal to `memoryBytes` means no swap. */
  limits: { nanoCpus: number; memoryBytes: number; memorySwapBytes: number; pids: number };
  /** Numeric `uid[:gid]`; undefined means the image's own user (only when the manifest allows root). */
  user?: string;
  /** Linux capabilities to drop and add back, and whether setuid binaries may gain privileges. */
  security: { capDrop: string[]; capAdd: string[]; noNewPrivileges: boolean };
  /** Run an init process (tini) as PID 1. */
  init: boolean;
  /** The engine's own restart policy: always "no", the AIMS reconciler is the single restarter. */
  restartPolicy: "no";
  /** Where the container's stdout and stderr go and how the engine rotates them. */
  logging: { driver: string; maxSize: string; maxFiles: number };
  labels: Labels;
  /** The directory the command runs in; undefined keeps the image's. */
  workingDir?: string;
  /** The signal a stop sends; undefined keeps the image's (SIGTERM by default). */
  stopSignal?: string;
  /** Seconds a stop waits before it kills; undefined keeps the engine's default. */
  stopTimeoutSeconds?: number;
}

export interface ContainerState {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  running: boolean;
  /** Docker's status word: created, running, exited, dead, ... */
  status: string;
  exitCode: number;
  oomKilled: boolean;
  restartCount: number;
  startedAt?: string;
  finishedAt?: string;
  /** IP address per network name. */
  ipAddresses: Record<string, string>;
}

export interface ObjectSummary {
  id: string;
  name: string;
  labels: Labels;
}

export interface ManagedObjects {
  containers: ContainerState[];
  networks: ObjectSummary[];
  volumes: ObjectSummary[];
}

export type ProgressSink = (message: string) => void;

/** A container event from the engine (die, start, destroy, oom, ...), with the container's labels. */
export interface EngineEvent {
  action: string;
  containerId: string;
  labels: Labels;
}

export interface LogOptions {
  follow: boolean;
  tail?: number;
  /** Only lines logged after this moment: an RFC 3339 time as the engine reports it (`finishedAt`), to the nanosecond. */
  since?: string;
  /** Aborting ends a followed stream. */
  signal?: AbortSignal;
}

/** One reading of a running container's counters (CPU time, network and block I/O are cumulative since it started). */
export interface ContainerStats {
  /** When the engine took the reading (epoch ms). */
  atMs: number;
  /** CPU time used since the container started, in nanoseconds: two readings give a rate. */
  cpuNanos: number;
  /** The container's CPU limit in cores (0: none). */
  cpuLimitCores: number;
  /** Memory in use, less the inactive page cache (what `docker stats` shows). */
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** A volume's disk use as the engine counts it. */
export interface VolumeUsage {
  name: string;
  labels: Labels;
  bytes: number;
}

export interface RuntimeDriver {
  /** Answers engine facts; throws AimsError("unavailable") with a plain message when no engine answers. */
  ping(): Promise<EngineInfo>;
  /** Resolves when the engine answers its cheapest call; throws like `ping` when none does. */
  reachable(): Promise<void>;
  hasImage(ref: string): Promise<boolean>;
  /**
   * Pulls `ref`, bounded by the configured timeout. Throws AimsError("unavailable") naming the image
   * and suggesting an image override when no registry is reachable or the image does not exist.
   */
  pullImage(ref: string, onProgress?: ProgressSink): Promise<void>;
  /** Builds the directory `contextDir` (with its Dockerfile) into `tag`. */
  buildImage(contextDir: string, tag: string, onProgress?: ProgressSink): Promise<void>;
  /** Creates the network unless one with that name exists; returns whether it was created. */
  ensureNetwork(spec: NetworkSpec): Promise<boolean>;
  ensureVolume(spec: VolumeSpec): Promise<boolean>;
  /** Creates the container (not started); if a container with that name exists, returns its id. */
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(nameOrId: string): Promise<void>;
  stopContainer(nameOrId: string, timeoutSeconds?: number): Promise<void>;
  /** Force-removes; a missing container is not an error. */
  removeContainer(nameOrId: string): Promise<void>;
  /** A missing network is not an error. */
  removeNetwork(name: string): Promise<void>;
  /** A missing volume is not an error. */
  removeVolume(name: string): Promise<void>;
  inspectContainer(nameOrId: string): Promise<ContainerState | undefined>;
  /** Every container, network and volume carrying all of `labels` (one list call: containers carry no OOM flag or restart count; inspect for those). */
  listManaged(labels: Labels): Promise<ManagedObjects>;
  /** Log lines (stdout and stderr, demultiplexed) as an async iterable of text chunks. */
  logs(nameOrId: string, options: LogOptions): AsyncIterable<string>;
  /** Container events for objects carrying all `labels`; ends when aborted or when the engine goes away. */
  events(labels: Labels, signal: AbortSignal): AsyncIterable<EngineEvent>;
  /**
   * A local image's id and whether a registry served it (the engine holds a repository digest for it, so another
   * host can pull it by its tag); undefined when the engine does not hold `ref`.
   */
  inspectImage(ref: string): Promise<{ id: string; pulled: boolean } | undefined>;
  /** `docker save` of `ref` (its layers and tag) as a tar stream, to be read to the end. */
  saveImage(ref: string): Promise<NodeJS.ReadableStream>;
  /** A tar of `path` inside the container, entries named from its last segment (as `docker cp container:path -`). */
  copyFromContainer(nameOrId: string, path: string): Promise<NodeJS.ReadableStream>;
  /** Freezes every process of a running container (a consistent copy of its volumes); `unpauseContainer` thaws. */
  pauseContainer(nameOrId: string): Promise<void>;
  unpauseContainer(nameOrId: string): Promise<void>;
  /** One one-shot stats reading of a running container; undefined when it is gone or not running. */
  containerStats(id: string): Promise<ContainerStats | undefined>;
  /** The disk use of every volume carrying all of `labels` (one engine call; slower than stats, so sampled less often). */
  volumeUsage(labels: Labels): Promise<VolumeUsage[]>;
  /** Runs a command inside a running container; bounded by `timeoutMs`. */
  exec(nameOrId: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
}

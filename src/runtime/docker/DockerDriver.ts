import { setTimeout as sleep } from "node:timers/promises";
import Dockerode from "dockerode";
import { AimsError, isAimsError } from "../../domain/errors.js";
import { parseImageRef } from "../../domain/manifest.js";
import type {
  ContainerSpec,
  ContainerState,
  ContainerStats,
  EngineEvent,
  EngineInfo,
  Labels,
  LogOptions,
  ManagedObjects,
  NetworkSpec,
  ProgressSink,
  RuntimeDriver,
  VolumeSpec,
  VolumeUsage,
} from "../RuntimeDriver.js";
import { readAddressPools } from "./addressPools.js";
import { containerLogs } from "./containerLogs.js";
import { toCreateOptions } from "./containerOptions.js";
import { summaryToContainerState, toContainerState } from "./containerState.js";
import { readContainerStats, readVolumeUsage } from "./containerStats.js";
import { listContextFiles } from "./contextFiles.js";
import { callEngine, engineMessage, engineStatus, isNotFound, unreachableError } from "./engineErrors.js";
import { containerEvents } from "./engineEvents.js";
import { execCommand } from "./execCommand.js";
import { followProgress, streamError } from "./progressStream.js";

/** Where the engine listens and how long a pull may take (both from `AimsConfig`). */
export interface DockerDriverOptions {
  socketPath: string;
  pullTimeoutMs: number;
}

/** How long a network or volume removal waits for containers that are still detaching. */
const BUSY_RETRY = { attempts: 25, delayMs: 200 };

const pullFailure = (ref: string, reason: string) =>
  new AimsError(
    "unavailable",
    `cannot pull image ${ref}: ${reason}. No registry reachable? Build or load the image locally and map it ` +
      `with an image override (imageOverrides in config.yaml or AIMS_IMAGE_OVERRIDES="${ref}=<local-tag>")`,
  );

const labelFilter = (labels: Labels) => ({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });

/** The RuntimeDriver for a single Docker engine reached over its Unix socket. */
export class DockerDriver implements RuntimeDriver {
  private readonly docker: Dockerode;
  private readonly options: DockerDriverOptions;
  /** Each container's CPU limit in cores, read once by inspect: a container's limits never change (an update replaces it). */
  private readonly cpuLimits = new Map<string, number>();

  constructor(options: DockerDriverOptions) {
    this.options = options;
    this.docker = new Dockerode({ socketPath: options.socketPath });
  }

  /** Every engine call goes through here so an absent engine always gives the same actionable error. */
  private engine<T>(call: () => Promise<T>): Promise<T> {
    return callEngine(this.options.socketPath, call);
  }

  /** Engine version, API version, storage driver and address pools. */
  async ping(): Promise<EngineInfo> {
    const [version, info] = await this.engine(() => Promise.all([this.docker.version(), this.docker.info()]));
    return {
      version: version.Version,
      apiVersion: version.ApiVersion,
      storageDriver: String(info.Driver ?? ""),
      addressPools: await readAddressPools(info.DefaultAddressPools),
    };
  }

  /** The engine's `/_ping`: no facts gathered, so an entry's "is the engine there" costs one cheap round trip. */
  async reachable(): Promise<void> {
    await this.engine(() => this.docker.ping());
  }

  /** True when the engine already holds `ref`. */
  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.engine(() => this.docker.getImage(ref).inspect());
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Pulls `ref` within `pullTimeoutMs`; any failure names the image and the image-override way out. */
  async pullImage(ref: string, onProgress?: ProgressSink): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.pullTimeoutMs);
    const { repository, tag } = parseImageRef(ref);
    const source = ref.includes("@") ? { fromImage: ref } : { fromImage: repository, tag: tag ?? "latest" };
    try {
      const stream = await this.engine(() =>
        this.docker.createImage({ ...source, abortSignal: abort.signal }),
      );
      const events = await followProgress(this.docker.modem, stream, onProgress);
      if (abort.signal.aborted) throw pullFailure(ref, `timed out after ${this.options.pullTimeoutMs} ms`);
      const failure = streamError(events);
      if (failure) throw pullFailure(ref, failure);
    } catch (err) {
      if (isAimsError(err)) throw err;
      if (abort.signal.aborted) throw pullFailure(ref, `timed out after ${this.options.pullTimeoutMs} ms`);
      throw pullFailure(ref, engineMessage(err));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Builds `contextDir` (every file under it, with its Dockerfile) into `tag` using the classic builder. */
  async buildImage(contextDir: string, tag: string, onProgress?: ProgressSink): Promise<void> {
    const src = await listContextFiles(contextDir).catch((err: NodeJS.ErrnoException) => {
      throw new AimsError(
        "invalid_input",
        `cannot read build context ${contextDir}: ${err.code ?? err.message}`,
      );
    });
    try {
      const stream = await this.engine(() =>
        this.docker.buildImage({ context: contextDir, src }, { t: tag, rm: true, forcerm: true }),
      );
      const failure = streamError(await followProgress(this.docker.modem, stream, onProgress));
      if (failure) throw new AimsError("failed", `building image ${tag} failed: ${failure}`);
    } catch (err) {
      if (isAimsError(err)) throw err;
      throw new AimsError("failed", `building image ${tag} failed: ${engineMessage(err)}`, undefined, {
        cause: err,
      });
    }
  }

  /** Creates a bridge network unless one with exactly this name exists; true when created. */
  async ensureNetwork(spec: NetworkSpec): Promise<boolean> {
    // The engine's name filter matches substrings, so compare names exactly.
    const found = await this.engine(() => this.docker.listNetworks({ filters: { name: [spec.name] } }));
    if (found.some((n) => n.Name === spec.name)) return false;
    try {
      await this.engine(() =>
        this.docker.createNetwork({
          Name: spec.name,
          Driver: "bridge",
          CheckDuplicate: true,
          Attachable: false,
          Labels: { ...spec.labels },
        }),
      );
      return true;
    } catch (err) {
      if (engineStatus(err) === 409) return false;
      throw err;
    }
  }

  /** Creates a local volume unless it exists; true when created. */
  async ensureVolume(spec: VolumeSpec): Promise<boolean> {
    try {
      await this.engine(() => this.docker.getVolume(spec.name).inspect());
      return false;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await this.engine(() => this.docker.createVolume({ Name: spec.name, Labels: { ...spec.labels } }));
    return true;
  }

  /** Creates (does not start) the container; an existing container of that name is returned as is. */
  async createContainer(spec: ContainerSpec): Promise<string> {
    try {
      const container = await this.engine(() => this.docker.createContainer(toCreateOptions(spec)));
      return container.id;
    } catch (err) {
      if (engineStatus(err) === 409) {
        const existing = await this.engine(() => this.docker.getContainer(spec.name).inspect());
        return existing.Id;
      }
      // A missing image or network; the message never carries the spec's env.
      if (isNotFound(err))
        throw new AimsError("not_found", `cannot create container ${spec.name}: ${engineMessage(err)}`);
      throw err;
    }
  }

  /** Starts the container; already running is fine, a taken host port is a conflict. */
  async startContainer(nameOrId: string): Promise<void> {
    try {
      await this.engine(() => this.docker.getContainer(nameOrId).start());
    } catch (err) {
      if (engineStatus(err) === 304) return;
      if (isNotFound(err)) throw new AimsError("not_found", `no container ${nameOrId}`);
      const message = engineMessage(err);
      if (/port is already allocated|address already in use/.test(message))
        throw new AimsError("conflict", `cannot start ${nameOrId}: ${message}`);
      throw err;
    }
  }

  /**
   * Stops the container (its stop signal, then SIGKILL after the timeout: given, else the container's own
   * stop timeout, else the engine's 10 s); stopped or missing is fine.
   */
  async stopContainer(nameOrId: string, timeoutSeconds?: number): Promise<void> {
    try {
      await this.engine(() =>
        this.docker.getContainer(nameOrId).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }),
      );
    } catch (err) {
      if (engineStatus(err) === 304 || isNotFound(err)) return;
      throw err;
    }
  }

  /** Force-removes the container and its anonymous volumes; missing is fine. */
  async removeContainer(nameOrId: string): Promise<void> {
    try {
      await this.engine(() => this.docker.getContainer(nameOrId).remove({ force: true, v: true }));
    } catch (err) {
      if (isNotFound(err)) return;
      if (engineStatus(err) === 409 && /already in progress/.test(engineMessage(err))) return;
      throw err;
    }
  }

  /** Removes the network, waiting briefly for endpoints still detaching; missing is fine. */
  async removeNetwork(name: string): Promise<void> {
    await this.removeWhenFree(() => this.docker.getNetwork(name).remove(), /active endpoints/);
  }

  /** Removes the volume, waiting briefly for a container still releasing it; missing is fine. */
  async removeVolume(name: string): Promise<void> {
    await this.removeWhenFree(() => this.docker.getVolume(name).remove(), /in use/);
  }

  private async removeWhenFree(remove: () => Promise<unknown>, busy: RegExp): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.engine(remove);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!busy.test(engineMessage(err)) || attempt >= BUSY_RETRY.attempts) throw err;
        await sleep(BUSY_RETRY.delayMs);
      }
    }
  }

  /** The container's state, or undefined when there is no such container. */
  async inspectContainer(nameOrId: string): Promise<ContainerState | undefined> {
    try {
      return toContainerState(await this.engine(() => this.docker.getContainer(nameOrId).inspect()));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Every container (running or not), network and volume carrying all of `labels`. */
  async listManaged(labels: Labels): Promise<ManagedObjects> {
    const filters = labelFilter(labels);
    const [containers, networks, volumes] = await this.engine(() =>
      Promise.all([
        this.docker.listContainers({ all: true, filters }),
        this.docker.listNetworks({ filters }),
        this.docker.listVolumes({ filters }),
      ]),
    );
    // One list call, no per-container inspect: a reconcile tick over 500 instances stays one round trip.
    return {
      containers: containers.map(summaryToContainerState),
      networks: networks.map((n) => ({ id: n.Id, name: n.Name, labels: { ...(n.Labels ?? {}) } })),
      volumes: (volumes.Volumes ?? []).map((v) => ({
        id: v.Name,
        name: v.Name,
        labels: { ...(v.Labels ?? {}) },
      })),
    };
  }

  /** Container events with these labels; the stream ends when aborted or when the engine stops. */
  async *events(labels: Labels, signal: AbortSignal): AsyncGenerator<EngineEvent, void, undefined> {
    try {
      yield* containerEvents(this.docker, labels, signal);
    } catch (err) {
      throw unreachableError(err, this.options.socketPath) ?? err;
    }
  }

  /** stdout and stderr as text chunks; a followed stream ends when the container stops or on abort. */
  async *logs(nameOrId: string, options: LogOptions): AsyncGenerator<string, void, undefined> {
    try {
      yield* containerLogs(this.docker, nameOrId, options);
    } catch (err) {
      if (isNotFound(err)) throw new AimsError("not_found", `no container ${nameOrId}`);
      throw unreachableError(err, this.options.socketPath) ?? err;
    }
  }

  /** The image's id and whether it carries a repository digest (it came from a registry). */
  async inspectImage(ref: string): Promise<{ id: string; pulled: boolean } | undefined> {
    try {
      const info = await this.engine(() => this.docker.getImage(ref).inspect());
      return { id: info.Id, pulled: (info.RepoDigests ?? []).length > 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** `docker save` of `ref`: a tar stream holding its layers and tag. */
  async saveImage(ref: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.engine(() => this.docker.getImage(ref).get());
    } catch (err) {
      if (isNotFound(err)) throw new AimsError("not_found", `the engine holds no image ${ref}`);
      throw err;
    }
  }

  /** A tar of `path` inside the container (running or not): what `docker cp container:path -` writes. */
  async copyFromContainer(nameOrId: string, path: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.engine(() => this.docker.getContainer(nameOrId).getArchive({ path }));
    } catch (err) {
      if (isNotFound(err)) throw new AimsError("not_found", `no container ${nameOrId} or no ${path} in it`);
      throw err;
    }
  }

  /** Freezes the container's processes; one already paused is fine. */
  async pauseContainer(nameOrId: string): Promise<void> {
    try {
      await this.engine(() => this.docker.getContainer(nameOrId).pause());
    } catch (err) {
      if (isNotFound(err)) throw new AimsError("not_found", `no container ${nameOrId}`);
      if (engineStatus(err) === 409 && /already paused/i.test(engineMessage(err))) return;
      if (engineStatus(err) === 409) throw new AimsError("conflict", `container ${nameOrId} is not running`);
      throw err;
    }
  }

  /** Thaws a paused container; one not paused (or gone) is fine. */
  async unpauseContainer(nameOrId: string): Promise<void> {
    try {
      await this.engine(() => this.docker.getContainer(nameOrId).unpause());
    } catch (err) {
      if (isNotFound(err) || engineStatus(err) === 409) return;
      throw err;
    }
  }

  /** One one-shot stats reading (the engine answers at its stats collector's next tick); undefined when the container is gone or stopped. */
  async containerStats(id: string): Promise<ContainerStats | undefined> {
    try {
      let cpuLimit = this.cpuLimits.get(id);
      if (cpuLimit === undefined) {
        const info = await this.engine(() => this.docker.getContainer(id).inspect());
        if (!info.State.Running) return undefined;
        cpuLimit = (info.HostConfig.NanoCpus ?? 0) / 1e9;
        // Bounded: a long-running install replaces containers; forgetting them all costs one inspect each.
        if (this.cpuLimits.size >= 10_000) this.cpuLimits.clear();
        this.cpuLimits.set(id, cpuLimit);
      }
      const stats = await this.engine(() => readContainerStats(this.docker, id, cpuLimit));
      // A stopped container answers zeros: that is no reading.
      return stats.memoryLimitBytes > 0 || stats.cpuNanos > 0 ? stats : undefined;
    } catch (err) {
      if (isNotFound(err)) {
        this.cpuLimits.delete(id);
        return undefined;
      }
      throw err;
    }
  }

  /** The size of every volume with these labels, from one disk-usage call limited to volumes. */
  async volumeUsage(labels: Labels): Promise<VolumeUsage[]> {
    return this.engine(() => readVolumeUsage(this.docker, labels));
  }

  /** Runs `command` inside the running container; AimsError("failed") when it outlasts `timeoutMs`. */
  async exec(
    nameOrId: string,
    command: string[],
    timeoutMs: number,
  ): Promise<{ exitCode: number; output: string }> {
    try {
      return await this.engine(() => execCommand(this.docker, nameOrId, command, timeoutMs));
    } catch (err) {
      if (isNotFound(err)) throw new AimsError("not_found", `no container ${nameOrId}`);
      if (engineStatus(err) === 409) throw new AimsError("conflict", `container ${nameOrId} is not running`);
      throw err;
    }
  }
}

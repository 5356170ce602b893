import type Dockerode from "dockerode";
import { docker } from "./aimsCli.js";

/** One container as the engine held it: how to create it again, and whether it was running. */
export interface ContainerSnapshot {
  /** The plug whose image it runs (from the store), so a test can build a missing image from the catalog. */
  plug: string;
  service: string;
  state: string;
  create: Dockerode.ContainerCreateOptions & { name: string; Image: string };
}

export interface NetworkSnapshot {
  Name: string;
  Driver: string;
  Internal: boolean;
  Attachable: boolean;
  Labels: Record<string, string>;
  Options: Record<string, string>;
}

export interface VolumeSnapshot {
  Name: string;
  Driver: string;
  Labels: Record<string, string>;
}

/** Every Docker object one AIMS install created, enough to create identical ones again (engine.json). */
export interface EngineSnapshot {
  installationId: string;
  networks: NetworkSnapshot[];
  volumes: VolumeSnapshot[];
  containers: ContainerSnapshot[];
}

/**
 * The create body of a container from its inspect data: every field AIMS's driver sets
 * (src/runtime/docker/containerOptions.ts at the fixture's release), read back from the engine.
 */
function createBodyOf(c: Dockerode.ContainerInspectInfo): ContainerSnapshot["create"] {
  const h = c.HostConfig;
  const shortId = c.Id.slice(0, 12);
  return {
    name: c.Name.replace(/^\//, ""),
    Image: c.Config.Image,
    Labels: c.Config.Labels ?? {},
    Env: c.Config.Env ?? [],
    ...(c.Config.Cmd ? { Cmd: c.Config.Cmd as string[] } : {}),
    ...(c.Config.Entrypoint ? { Entrypoint: c.Config.Entrypoint as string[] } : {}),
    ...(c.Config.User ? { User: c.Config.User } : {}),
    ExposedPorts: c.Config.ExposedPorts ?? {},
    HostConfig: {
      PortBindings: h.PortBindings,
      Mounts: h.Mounts ?? [],
      NanoCpus: h.NanoCpus,
      Memory: h.Memory,
      MemorySwap: h.MemorySwap,
      PidsLimit: h.PidsLimit,
      CapDrop: h.CapDrop ?? [],
      CapAdd: h.CapAdd ?? [],
      SecurityOpt: h.SecurityOpt ?? [],
      Init: h.Init,
      RestartPolicy: h.RestartPolicy,
      NetworkMode: h.NetworkMode,
      LogConfig: h.LogConfig,
    },
    NetworkingConfig: {
      EndpointsConfig: Object.fromEntries(
        Object.entries(c.NetworkSettings.Networks).map(([name, n]) => [
          name,
          // The engine adds the container's short id as an alias itself; the new container gets its own.
          { Aliases: ((n.Aliases ?? []) as string[]).filter((a) => a !== shortId) },
        ]),
      ),
    },
  };
}

/** Reads every container, network and volume labelled with the install; `plugOf` maps instance ids to plugs. */
export async function captureEngine(
  installationId: string,
  plugOf: Record<string, string>,
): Promise<EngineSnapshot> {
  const filters = JSON.stringify({ label: [`aims.installation=${installationId}`] });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  const byName =
    <T>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    installationId,
    networks: (await Promise.all(networks.map((n) => docker.getNetwork(n.Id).inspect())))
      .map((n) => ({
        Name: n.Name,
        Driver: n.Driver,
        Internal: n.Internal,
        Attachable: n.Attachable,
        Labels: n.Labels ?? {},
        Options: n.Options ?? {},
      }))
      .sort(byName((n) => n.Name)),
    volumes: (volumes.Volumes ?? [])
      .map((v) => ({ Name: v.Name, Driver: v.Driver, Labels: v.Labels ?? {} }))
      .sort(byName((v) => v.Name)),
    containers: (await Promise.all(containers.map((c) => docker.getContainer(c.Id).inspect())))
      .map((c) => ({
        plug: plugOf[c.Config.Labels["aims.instance"] ?? ""] ?? "?",
        service: c.Config.Labels["aims.service"] ?? "?",
        state: c.State.Status,
        create: createBodyOf(c),
      }))
      .sort(byName((c) => c.create.name)),
  };
}

/**
 * Creates the snapshot's networks, volumes and containers again (same names, labels and config), starting
 * the containers that were running; an exited one is started and stopped so it is exited, not just created.
 * Returns the new container ids by name.
 */
export async function recreateEngine(snapshot: EngineSnapshot): Promise<Record<string, string>> {
  for (const n of snapshot.networks)
    await docker.createNetwork({
      Name: n.Name,
      Driver: n.Driver,
      Internal: n.Internal,
      Attachable: n.Attachable,
      Labels: n.Labels,
      Options: n.Options,
      CheckDuplicate: true,
    });
  for (const v of snapshot.volumes)
    await docker.createVolume({ Name: v.Name, Driver: v.Driver, Labels: v.Labels });
  const ids: Record<string, string> = {};
  await Promise.all(
    snapshot.containers.map(async (c) => {
      const container = await docker.createContainer(c.create);
      ids[c.create.name] = container.id;
      if (c.state === "created") return;
      await container.start();
      if (c.state !== "running") await container.stop({ t: 5 });
    }),
  );
  return ids;
}

/**
 * How AIMS names and labels the Docker objects of an instance. Pure: the reconciler finds its objects again
 * by these names and labels, so they must stay stable across versions.
 */

/** Label keys every object AIMS creates carries. */
export const LABEL = {
  managed: "aims.managed",
  installation: "aims.installation",
  tenant: "aims.tenant",
  instance: "aims.instance",
  service: "aims.service",
  replica: "aims.replica",
  revision: "aims.revision",
  /** A network of the warm pool (its id); such a network carries no tenant or instance label, even once claimed. */
  pool: "aims.pool",
} as const;

/** The ids an instance's labels carry. */
export interface InstanceIds {
  installationId: string;
  tenantId: string;
  instanceId: string;
}

/** Short, stable slice of the installation id used in Docker object names so two installs never collide. */
export function installTag(installationId: string): string {
  return installationId.slice(-6).toLowerCase();
}

/** The Docker name prefix of every object of one instance. */
export function objectPrefix(installationId: string, tenant: string, instance: string): string {
  return `aims-${installTag(installationId)}-${tenant}-${instance}`;
}

/** The Docker name of an instance's network: the prefix itself. */
export function networkName(prefix: string): string {
  return prefix;
}

/**
 * The Docker name of a warm-pool network. The underscore keeps it apart from every instance prefix (tenant and
 * instance names are DNS labels, which have none).
 */
export function poolNetworkName(installationId: string, poolId: string): string {
  return `aims-${installTag(installationId)}_pool-${poolId.toLowerCase()}`;
}

/** Labels of a warm-pool network: Docker labels never change, so these stay after an instance claims it. */
export function poolNetworkLabels(installationId: string, poolId: string): Record<string, string> {
  return { [LABEL.managed]: "true", [LABEL.installation]: installationId, [LABEL.pool]: poolId };
}

/**
 * How an instance's volumes are named. `id` (every instance deployed since kept volumes became store
 * objects): from the instance id, so a later instance under the same name never mounts them by accident.
 * `name`: from tenant and instance name, as earlier releases did; instances that already had volumes
 * keep it, or they would lose their data on the next update.
 */
export type VolumeNaming = "id" | "name";

/** The Docker name of one service's named volume under the `name` scheme (tenant and instance name). */
export function volumeName(prefix: string, service: string, volume: string): string {
  return `${prefix}-${service}-${volume}`;
}

/** The Docker name of one service's named volume under the `id` scheme (the instance id). */
export function idVolumeName(
  installationId: string,
  instanceId: string,
  service: string,
  volume: string,
): string {
  return `aims-${installTag(installationId)}-${instanceId.toLowerCase()}-${service}-${volume}`;
}

/** What names an instance's volumes: its ids and names, and which scheme it uses. */
export interface VolumeOwner {
  installationId: string;
  tenantName: string;
  instanceName: string;
  instanceId: string;
  naming: VolumeNaming;
}

/**
 * The Docker name of one service's volume (shared by all its replicas) for an instance, by its scheme.
 * @example serviceVolumeName({ installationId, tenantName: "acme", instanceName: "db", instanceId, naming: "id" }, "db", "data")
 */
export function serviceVolumeName(owner: VolumeOwner, service: string, volume: string): string {
  if (owner.naming === "name")
    return volumeName(
      objectPrefix(owner.installationId, owner.tenantName, owner.instanceName),
      service,
      volume,
    );
  return idVolumeName(owner.installationId, owner.instanceId, service, volume);
}

/** The Docker name of one replica of one service at one revision. */
export function containerName(prefix: string, service: string, replica: number, revision: number): string {
  return `${prefix}-${service}-${replica}-r${revision}`;
}

/** Replica numbers of a service with `n` replicas: 1..n. */
export function replicaNumbers(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Labels of an instance's network (and the base of every other label set). */
export function instanceLabels(ids: InstanceIds): Record<string, string> {
  return {
    [LABEL.managed]: "true",
    [LABEL.installation]: ids.installationId,
    [LABEL.tenant]: ids.tenantId,
    [LABEL.instance]: ids.instanceId,
  };
}

/** Labels of one service's volume. */
export function volumeLabels(ids: InstanceIds, service: string): Record<string, string> {
  return { ...instanceLabels(ids), [LABEL.service]: service };
}

/** Labels of one replica's container at one revision. */
export function containerLabels(
  ids: InstanceIds,
  service: string,
  replica: number,
  revision: number,
): Record<string, string> {
  return {
    ...instanceLabels(ids),
    [LABEL.service]: service,
    [LABEL.replica]: String(replica),
    [LABEL.revision]: String(revision),
  };
}

import { AimsError } from "../domain/errors.js";
import type { HealthCheck, Plug, PlugService } from "../domain/manifest.js";
import {
  containerLabels,
  containerName,
  instanceLabels,
  networkName,
  objectPrefix,
  replicaNumbers,
  serviceVolumeName,
  type VolumeNaming,
  volumeLabels,
} from "../domain/objectNames.js";
import type { SizedPlug } from "../domain/sizedPlug.js";
import type { ContainerSpec, NetworkSpec, VolumeSpec } from "../runtime/RuntimeDriver.js";
import { containerHardening } from "./containerHardening.js";

/** Who and what an instance is, as rendering needs it. */
export interface RenderContext {
  installationId: string;
  tenant: { id: string; name: string };
  instance: { id: string; name: string; revision: number };
  /** Validated input values by key (secret-typed inputs are not substituted here). */
  inputs: Record<string, string>;
  /** Image reference to run per service (overrides applied, builds resolved). */
  images: Record<string, string>;
  /** Host port per `service/portName/replica`; absent in a dry-run preview until allocated. */
  hostPorts: Record<string, number | undefined>;
  /** Replicas per service (default 1). */
  replicas?: Record<string, number>;
  bindAddress: string;
  /** How the instance's volumes are named (default `id`; instances from before 0007 keep `name`). */
  volumeNaming?: VolumeNaming;
  /** Kept volumes it mounts instead of new ones (`deploy --reuse-volumes`): `service/volume` → Docker volume. */
  attachedVolumes?: Record<string, string>;
  /** The network it runs on when not its own (a claimed pool network, `instances.network`). */
  network?: string | null;
}

export interface PlannedPort {
  service: string;
  name: string;
  replica: number;
  containerPort: number;
  protocol: "http" | "tcp";
  hostPort?: number;
}

export interface PlannedContainer {
  service: string;
  replica: number;
  /** Env values still hold `${secrets.X}` references: resolve with `resolveEnv` only when creating. */
  spec: ContainerSpec;
  health?: HealthCheck;
  dependsOn: string[];
}

export interface InstancePlan {
  network: NetworkSpec;
  volumes: Array<VolumeSpec & { service: string; volume: string; path: string }>;
  containers: PlannedContainer[];
  ports: PlannedPort[];
  /** Secret names the instance holds (never values). */
  secretKeys: string[];
}

/** Key of a port allocation. */
export function portKey(service: string, portName: string, replica: number): string {
  return `${service}/${portName}/${replica}`;
}

/** Public ports to allocate for a plug (one per public port per replica). */
export function publicPortRequests(
  plug: Plug,
  replicas: Record<string, number> = {},
): Array<{ service: string; portName: string; replica: number }> {
  return plug.services.flatMap((svc) =>
    replicaNumbers(replicas[svc.name] ?? 1).flatMap((replica) =>
      svc.ports.filter((p) => p.public).map((p) => ({ service: svc.name, portName: p.name, replica })),
    ),
  );
}

/** Services in start order: every service after the services it depends on. */
export function startOrder<S extends Pick<PlugService, "name" | "dependsOn">>(plug: { services: S[] }): S[] {
  const done = new Set<string>();
  const out: S[] = [];
  const visit = (svc: S, trail: string[]) => {
    if (done.has(svc.name)) return;
    // Manifests with a cycle are refused at validation; a stored spec from before that rule still says why.
    if (trail.includes(svc.name))
      throw new AimsError(
        "invalid_input",
        `services depend on each other in a cycle: ${[...trail, svc.name].join(" -> ")}`,
      );
    for (const dep of svc.dependsOn) {
      const target = plug.services.find((s) => s.name === dep);
      if (target) visit(target, [...trail, svc.name]);
    }
    done.add(svc.name);
    out.push(svc);
  };
  for (const svc of plug.services) visit(svc, []);
  return out;
}

/** Renders the Docker objects of one instance (its plug sized: every limit settled). Pure: the same context gives the same plan. */
export function renderInstance(plug: SizedPlug, ctx: RenderContext): InstancePlan {
  const prefix = objectPrefix(ctx.installationId, ctx.tenant.name, ctx.instance.name);
  const ids = { installationId: ctx.installationId, tenantId: ctx.tenant.id, instanceId: ctx.instance.id };
  const owner = {
    installationId: ctx.installationId,
    tenantName: ctx.tenant.name,
    instanceName: ctx.instance.name,
    instanceId: ctx.instance.id,
    naming: ctx.volumeNaming ?? "id",
  };
  // A claimed pool network exists already (labelled as the pool's); made again only if it went missing.
  const network: NetworkSpec = { name: ctx.network ?? networkName(prefix), labels: instanceLabels(ids) };
  const volumes: InstancePlan["volumes"] = [];
  const containers: PlannedContainer[] = [];
  const ports: PlannedPort[] = [];

  for (const svc of startOrder(plug)) {
    for (const replica of replicaNumbers(ctx.replicas?.[svc.name] ?? 1)) {
      const mounts = svc.volumes.map((v) => {
        const name =
          ctx.attachedVolumes?.[`${svc.name}/${v.name}`] ?? serviceVolumeName(owner, svc.name, v.name);
        if (replica === 1)
          volumes.push({
            name,
            labels: volumeLabels(ids, svc.name),
            service: svc.name,
            volume: v.name,
            path: v.path,
          });
        return { volume: name, path: v.path, readOnly: v.readOnly };
      });
      const published: ContainerSpec["ports"] = [];
      for (const p of svc.ports) {
        const hostPort = p.public ? ctx.hostPorts[portKey(svc.name, p.name, replica)] : undefined;
        ports.push({
          service: svc.name,
          name: p.name,
          replica,
          containerPort: p.container,
          protocol: p.protocol,
          ...(p.public ? { hostPort } : {}),
        });
        if (p.public)
          published.push({
            containerPort: p.container,
            protocol: "tcp",
            hostPort: hostPort ?? 0,
            bindAddress: ctx.bindAddress,
          });
      }
      const image = ctx.images[svc.name];
      if (!image) throw new AimsError("failed", `no image was prepared for service ${svc.name}`);
      const spec: ContainerSpec = {
        name: containerName(prefix, svc.name, replica, ctx.instance.revision),
        image,
        ...(svc.command ? { command: svc.command } : {}),
        ...(svc.entrypoint ? { entrypoint: svc.entrypoint } : {}),
        env: renderEnvTemplate(svc.env, ctx, secretKeySet(plug)),
        network: network.name,
        aliases: [svc.name],
        ports: published,
        exposedPorts: svc.ports.map((p) => p.container),
        mounts,
        limits: {
          nanoCpus: Math.round(svc.resources.cpu * 1e9),
          memoryBytes: svc.resources.memory,
          // Memory plus swap equal to memory: no swap beyond the limit.
          memorySwapBytes: svc.resources.memory,
          pids: svc.resources.pids,
        },
        ...(svc.runAsRoot ? {} : { user: svc.user ?? "65534:65534" }),
        ...containerHardening(svc.capAdd),
        // AIMS's own labels last: a service's labels can never pose as another object's.
        labels: { ...svc.labels, ...containerLabels(ids, svc.name, replica, ctx.instance.revision) },
        ...(svc.workingDir ? { workingDir: svc.workingDir } : {}),
        ...(svc.stopSignal ? { stopSignal: svc.stopSignal } : {}),
        ...(svc.stopGracePeriodSeconds !== undefined
          ? { stopTimeoutSeconds: svc.stopGracePeriodSeconds }
          : {}),
      };
      containers.push({
        service: svc.name,
        replica,
        spec,
        ...(svc.health ? { health: svc.health } : {}),
        dependsOn: svc.dependsOn,
      });
    }
  }
  return { network, volumes, containers, ports, secretKeys: [...secretKeySet(plug)] };
}

/** Keys whose values are secret: generated secrets and secret-typed inputs. */
export function secretKeySet(plug: Plug): Set<string> {
  return new Set([
    ...plug.secrets.map((s) => s.key),
    ...plug.inputs.filter((i) => i.type === "secret").map((i) => i.key),
  ]);
}

const REF = /\$\{([a-z]+)\.([A-Za-z0-9_-]+)\}/g;

/** Substitutes `${inputs.X}`, `${instance.name}`, `${tenant.name}`; secret references stay for `resolveEnv`. */
function renderEnvTemplate(
  env: Record<string, string>,
  ctx: RenderContext,
  secretKeys: Set<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(REF, (whole, scope: string, name: string) => {
      if (scope === "instance") return name === "id" ? ctx.instance.id : ctx.instance.name;
      if (scope === "tenant") return ctx.tenant.name;
      if (secretKeys.has(name)) return `\${secrets.${name}}`;
      if (scope === "inputs") return ctx.inputs[name] ?? "";
      return whole;
    });
  }
  return out;
}

/** Fills `${secrets.X}` references with plaintext (container creation only) or with `<secret:X>` for display. */
export function resolveEnv(
  env: Record<string, string>,
  secrets: Record<string, string> | "redacted",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(/\$\{secrets\.([A-Za-z0-9_-]+)\}/g, (_w, name: string) => {
      if (secrets === "redacted") return `<secret:${name}>`;
      const v = secrets[name];
      if (v === undefined)
        throw new AimsError(
          "failed",
          `secret ${name} is missing for this instance (its stored secrets are incomplete)`,
        );
      return v;
    });
  }
  return out;
}

import { type InstancePlan, portKey, renderInstance, resolveEnv } from "../catalog/renderInstance.js";
import type { ReconcilerContext } from "../context.js";
import { effectivePlug, type InstanceSpec, parseSpec } from "../domain/instanceSpec.js";
import { listAllocations } from "../ports/portAllocator.js";
import type { ContainerState, ProgressSink } from "../runtime/RuntimeDriver.js";
import { type InstanceRow, listSecrets } from "../store/instanceRepository.js";
import { listAttachedVolumes } from "../store/keptVolumeRepository.js";
import { crashPoint } from "./crashPoint.js";
import { openAll } from "./instanceSecrets.js";
import { waitForHealthy } from "./waitForHealthy.js";

/** Renders the plan for a stored instance from its spec, allocations, the kept volumes it reattached and resolved images. */
export async function planFor(
  p: ReconcilerContext,
  tenant: { id: string; name: string },
  instance: InstanceRow,
  spec: InstanceSpec,
  images: Record<string, string>,
): Promise<InstancePlan> {
  const allocations = await listAllocations(p.store.db, { instanceId: instance.id });
  const hostPorts: Record<string, number> = {};
  for (const a of allocations) hostPorts[portKey(a.service, a.port_name, a.replica)] = a.port;
  const attached = await listAttachedVolumes(p.store.db, instance.id);
  return renderInstance(effectivePlug(spec), {
    installationId: p.store.installationId,
    tenant: { id: tenant.id, name: tenant.name },
    instance: { id: instance.id, name: instance.name, revision: instance.revision },
    inputs: spec.inputs,
    images,
    hostPorts,
    replicas: spec.replicas,
    bindAddress: p.config.bindAddress,
    volumeNaming: instance.volume_naming,
    attachedVolumes: Object.fromEntries(attached.map((k) => [`${k.service}/${k.volume}`, k.docker_volume])),
    network: instance.network,
  });
}

/** Plaintext secrets for container env: stored ones, and "" for optional secret inputs nobody answered. */
async function instanceSecretValues(
  p: ReconcilerContext,
  instance: InstanceRow,
): Promise<Record<string, string>> {
  const plug = parseSpec(instance.spec).plug;
  const unanswered = Object.fromEntries(
    plug.inputs.filter((i) => i.type === "secret").map((i) => [i.key, ""]),
  );
  return { ...unanswered, ...openAll(p.masterKey, instance.id, await listSecrets(p.store.db, instance.id)) };
}

/**
 * Makes the engine match the plan: network, volumes, containers started in dependency order, each
 * gated on its health check. Idempotent: existing objects are reused, stopped containers started.
 * `listed`: the instance's containers as the caller just listed them, so none is inspected before it is
 * made (a deploy's engine calls are create, start, and the health gate's); without it each is inspected.
 */
export async function convergeInstance(
  p: ReconcilerContext,
  instance: InstanceRow,
  plan: InstancePlan,
  progress: ProgressSink,
  listed?: ContainerState[],
): Promise<void> {
  await p.runtime.ensureNetwork(plan.network);
  for (const volume of plan.volumes) await p.runtime.ensureVolume(volume);
  const known = listed && new Map(listed.map((c) => [c.name, c]));
  let secrets: Record<string, string> | undefined;
  for (const container of plan.containers) {
    const existing = known
      ? known.get(container.spec.name)
      : await p.runtime.inspectContainer(container.spec.name);
    if (!existing) {
      secrets ??= await instanceSecretValues(p, instance);
      progress(`creating ${container.service}-${container.replica} (${container.spec.image})`);
      await p.runtime.createContainer({ ...container.spec, env: resolveEnv(container.spec.env, secrets) });
      crashPoint(p.config, "after-container-create");
    }
    if (!existing?.running) await p.runtime.startContainer(container.spec.name);
    progress(`waiting for ${container.service}-${container.replica} to be healthy`);
    crashPoint(p.config, "during-health-wait");
    await waitForHealthy(
      p.runtime,
      container.spec.name,
      plan.network.name,
      container.health,
      p.config.health,
      { sink: progress, label: `${container.service}-${container.replica}` },
    );
  }
}

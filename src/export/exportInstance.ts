import { createWriteStream } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { writeCompose } from "../compose/writeCompose.js";
import type { ReconcilerContext } from "../context.js";
import { AimsError } from "../domain/errors.js";
import { effectivePlug, parseSpec } from "../domain/instanceSpec.js";
import type { Actor } from "../lifecycle/actor.js";
import { PACKAGE_ROOT } from "../packageRoot.js";
import { type ContainerState, LABEL, type ProgressSink } from "../runtime/RuntimeDriver.js";
import { openSecret } from "../secrets/cipher.js";
import type { InstanceRow } from "../store/instanceRepository.js";
import { listSecrets } from "../store/instanceRepository.js";
import { recordChange, withTransaction } from "../store/recordChange.js";
import type { TenantRow } from "../store/tenantRepository.js";
import { type BundleData, type BundleImage, bundleFiles } from "./bundleFiles.js";

export interface ExportOptions {
  /** Copy the instance's volumes into the bundle (each service frozen while its volumes are copied). */
  withData: boolean;
  /** Write the instance's real secrets into the bundle's `.env` (the entry asked first). */
  includeSecrets: boolean;
}

/** What an export put into its bundle (never a secret value). */
export interface ExportSummary {
  tenant: string;
  instance: string;
  project: string;
  files: string[];
  images: { saved: string[]; pulled: string[] };
  volumes: string[];
  includesSecrets: boolean;
  bytes: number;
}

/**
 * The Compose project name of a bundle: `<tenant>-<instance>`, never starting with `aims` (AIMS's own objects
 * are named `aims-<install>-…`), so nothing the bundle's stack creates can take an AIMS object's name.
 */
export function bundleProject(tenant: string, instance: string): string {
  const name = `${tenant}-${instance}`.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
  return name.startsWith("aims") ? `app-${name}` : name;
}

/** A file name for an image archive: `aims-plug_node-api-api_1.0.0-abc.tar`. */
const imageFile = (ref: string) => `${ref.replace(/[^A-Za-z0-9._-]+/g, "_")}.tar`;

let aimsVersion: string | undefined;
async function version(): Promise<string> {
  aimsVersion ??= (
    JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
  ).version;
  return aimsVersion;
}

/** The running container of each service (the first replica of the newest revision that runs). */
function runningByService(containers: ContainerState[]): Map<string, ContainerState> {
  const out = new Map<string, ContainerState>();
  const sorted = [...containers].sort(
    (a, b) => Number(b.labels[LABEL.revision] ?? 0) - Number(a.labels[LABEL.revision] ?? 0),
  );
  for (const c of sorted) {
    const service = c.labels[LABEL.service];
    if (!service || !c.running || (c.labels[LABEL.replica] ?? "1") !== "1") continue;
    if (!out.has(service)) out.set(service, c);
  }
  return out;
}

/**
 * Writes the export bundle of one running instance into `dir` (which must be empty or absent): the Compose file,
 * `.env.example`, the scripts, nginx.conf, README.md, the image archives no public registry serves and, with
 * `withData`, a copy of each volume. Records an `instance.exported` event and an `instance.export` audit entry
 * (secret keys, never values) once the bundle is written. Authorising the caller is the entry's job.
 */
export async function exportInstance(
  ctx: Pick<ReconcilerContext, "store" | "runtime" | "masterKey">,
  actor: Actor,
  tenant: TenantRow,
  instance: InstanceRow,
  options: ExportOptions,
  dir: string,
  progress: ProgressSink,
): Promise<ExportSummary> {
  const spec = parseSpec(instance.spec);
  const plug = effectivePlug(spec);
  const { containers } = await ctx.runtime.listManaged({
    [LABEL.installation]: ctx.store.installationId,
    [LABEL.instance]: instance.id,
  });
  const running = runningByService(containers);
  const idle = plug.services.filter((s) => !running.has(s.name)).map((s) => s.name);
  if (idle.length)
    throw new AimsError(
      "conflict",
      `${tenant.name}/${instance.name} is not running (${idle.join(", ")} has no running container): start it first (\`aims start ${instance.name} --tenant ${tenant.name}\`), then export`,
    );
  // The reference each container was created from (inspect's, as the list may show an image id instead).
  const images: Record<string, string> = {};
  for (const svc of plug.services) {
    const container = running.get(svc.name)!;
    images[svc.name] = (await ctx.runtime.inspectContainer(container.id))?.image ?? container.image;
  }
  const compose = writeCompose({
    plug,
    images,
    inputs: spec.inputs,
    instance: { id: instance.id, name: instance.name },
    tenant: { name: tenant.name },
  });
  const project = bundleProject(tenant.name, instance.name);

  await mkdir(join(dir, "images"), { recursive: true });
  const saved: BundleImage[] = [];
  const pulled: string[] = [];
  for (const ref of [...new Set(Object.values(images))]) {
    const found = await ctx.runtime.inspectImage(ref);
    if (found?.pulled) {
      pulled.push(ref);
      continue;
    }
    // Built here, a local base or a Debian-built stand-in: no registry serves it, so the bundle carries it.
    const file = imageFile(ref);
    progress(`saving image ${ref}`);
    await pipeline(await ctx.runtime.saveImage(ref), createWriteStream(join(dir, "images", file)));
    saved.push({ ref, file });
  }

  const data: BundleData[] = [];
  if (options.withData && compose.volumes.length) {
    await mkdir(join(dir, "data"), { recursive: true });
    for (const service of compose.order) {
      const mine = compose.volumes.filter((v) => v.service === service);
      if (!mine.length) continue;
      const container = running.get(service)!;
      // Frozen while its volumes are copied, so the copy is of one moment (the reconciler sees it still running).
      progress(`pausing ${service} to copy its volumes`);
      await ctx.runtime.pauseContainer(container.id);
      try {
        for (const v of mine) {
          const file = `${v.key}.tar`;
          progress(`copying ${service}'s ${v.path}`);
          await pipeline(
            await ctx.runtime.copyFromContainer(container.id, v.path),
            createWriteStream(join(dir, "data", file)),
          );
          data.push({ key: v.key, service, path: v.path, file });
        }
      } finally {
        await ctx.runtime.unpauseContainer(container.id);
        progress(`${service} runs again`);
      }
    }
  }

  let secrets: Record<string, string> | undefined;
  if (options.includeSecrets) {
    const rows = await listSecrets(ctx.store.db, instance.id);
    secrets = Object.fromEntries(
      rows.map((r) => [r.key, openSecret(ctx.masterKey, r.ciphertext, `${instance.id}/${r.key}`)]),
    );
  }

  const files = bundleFiles({
    plug,
    compose,
    project,
    tenant: tenant.name,
    instance: instance.name,
    saved,
    pulled,
    data,
    ...(secrets ? { secrets } : {}),
    exportedAt: new Date().toISOString(),
    aimsVersion: await version(),
  });
  for (const f of files) {
    await writeFile(join(dir, f.path), f.text, { mode: f.mode });
    // writeFile's mode is masked by the umask: set it as meant (.env 0600, the scripts 0755).
    await chmod(join(dir, f.path), f.mode);
  }
  const paths = [
    ...files.map((f) => f.path),
    ...saved.map((i) => `images/${i.file}`),
    ...data.map((d) => `data/${d.file}`),
  ];
  let bytes = 0;
  for (const p of paths) bytes += (await stat(join(dir, p))).size;

  const summary: ExportSummary = {
    tenant: tenant.name,
    instance: instance.name,
    project,
    files: paths,
    images: { saved: saved.map((i) => i.ref), pulled },
    volumes: data.map((d) => d.key),
    includesSecrets: Boolean(secrets),
    bytes,
  };
  const recorded = {
    project,
    withData: options.withData,
    images: summary.images,
    volumes: summary.volumes,
    bytes,
    ...(secrets ? { secretKeys: Object.keys(secrets).sort() } : {}),
  };
  await withTransaction(ctx.store.db, (trx) =>
    recordChange(trx, {
      event: {
        type: "instance.exported",
        tenantId: tenant.id,
        subject: instance.id,
        data: { name: instance.name, ...recorded },
      },
      audit: {
        actor: actor.id,
        source: actor.source,
        action: secrets ? "instance.export.secrets" : "instance.export",
        target: `instance/${tenant.name}/${instance.name}`,
        tenantId: tenant.id,
        result: "ok",
        data: recorded,
      },
    }),
  );
  return summary;
}

import { resolve } from "node:path";
import type { Plug } from "../domain/manifest.js";
import { ensureBaseImages, isBaseImageRef } from "../images/baseImages.js";
import { ensureBuiltImage } from "../images/buildPlugImage.js";
import { plugImageRepository } from "../images/plugImageTag.js";
import type { ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";

/** Where a plug comes from: its manifest and the directory its build contexts resolve against. */
export interface PlugSource {
  plug: Plug;
  dir: string;
}

/** The reference a service runs before anything is pulled or built: a per-service pin, else the manifest's image. */
function upstreamRef(
  source: PlugSource,
  service: string,
  pinned: Record<string, string>,
): string | undefined {
  return pinned[service] ?? source.plug.services.find((s) => s.name === service)?.image;
}

/**
 * The image each service will run: per-service pins (`aims update --image`) and image overrides applied,
 * then present locally, pulled, or built from the plug's build context.
 */
export async function resolveImages(
  driver: RuntimeDriver,
  source: PlugSource,
  overrides: Record<string, string>,
  progress: ProgressSink,
  pinned: Record<string, string> = {},
): Promise<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const svc of source.plug.services) {
    const upstream = upstreamRef(source, svc.name, pinned);
    if (!upstream && svc.build) {
      images[svc.name] = await ensureBuiltImage(
        driver,
        {
          plugId: source.plug.id,
          service: svc.name,
          version: source.plug.version,
          contextDir: resolve(source.dir, svc.build.context),
        },
        progress,
      );
      continue;
    }
    const ref = overrides[upstream!] ?? upstream!;
    if (isBaseImageRef(ref)) await ensureBaseImages(driver, [ref], progress);
    else if (!(await driver.hasImage(ref))) {
      progress(`pulling ${ref}`);
      await driver.pullImage(ref, progress);
    }
    images[svc.name] = ref;
  }
  return images;
}

/** What `resolveImages` would use, without touching the engine (dry-run). */
export function previewImages(
  source: PlugSource,
  overrides: Record<string, string>,
  pinned: Record<string, string> = {},
): Record<string, string> {
  const images: Record<string, string> = {};
  for (const svc of source.plug.services) {
    const upstream = upstreamRef(source, svc.name, pinned);
    images[svc.name] = upstream
      ? (overrides[upstream] ?? upstream)
      : `${plugImageRepository({ plugId: source.plug.id, service: svc.name })}:${source.plug.version}-<built from ${svc.build?.context}>`;
  }
  return images;
}

import { resolve } from "node:path";
import type { CatalogEntry } from "../catalog/loadCatalog.js";
import { ensureBaseImages, isBaseImageRef } from "../images/baseImages.js";
import { ensureBuiltImage } from "../images/buildPlugImage.js";
import type { ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";

/** The image each service will run: overrides applied, then present locally, pulled, or built. */
export async function resolveImages(
  driver: RuntimeDriver,
  entry: CatalogEntry,
  overrides: Record<string, string>,
  progress: ProgressSink,
): Promise<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const svc of entry.plug.services) {
    if (svc.build) {
      images[svc.name] = await ensureBuiltImage(
        driver,
        {
          plugId: entry.plug.id,
          service: svc.name,
          version: entry.plug.version,
          contextDir: resolve(entry.dir, svc.build.context),
        },
        progress,
      );
      continue;
    }
    const upstream = svc.image!;
    const ref = overrides[upstream] ?? upstream;
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
  entry: CatalogEntry,
  overrides: Record<string, string>,
): Record<string, string> {
  const images: Record<string, string> = {};
  for (const svc of entry.plug.services) {
    images[svc.name] = svc.build
      ? `aims-plug/${entry.plug.id}-${svc.name}:${entry.plug.version}-<built from ${svc.build.context}>`
      : (overrides[svc.image!] ?? svc.image!);
  }
  return images;
}

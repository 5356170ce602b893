import { resolve } from "node:path";
import type { Catalog } from "../catalog/loadCatalog.js";
import { AimsError } from "../domain/errors.js";
import type { ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";
import { BASE_IMAGES, ensureBaseImages } from "./baseImages.js";
import { ensureDebianImage } from "./buildDebianImage.js";
import { ensureBuiltImage, plugImageTagFor } from "./buildPlugImage.js";
import { DEBIAN_RECIPES } from "./debianRecipes.js";
import { LOCAL_IMAGE_GROUPS } from "./localImageGroups.js";

/** One image `buildLocalImages` made sure of. */
export interface LocalImage {
  kind: "base" | "plug" | "debian";
  ref: string;
  /** Built during this call (false: the engine already had it). */
  built: boolean;
  /** For plug images, `plug/service`; for Debian images, the upstream images it stands in for. */
  for: string[];
}

export interface LocalImagesReport {
  images: LocalImage[];
  /** upstream → local, ready for `imageOverrides` / AIMS_IMAGE_OVERRIDES. */
  overrides: Record<string, string>;
  /** Catalog images no local build covers: they must be pulled (or loaded and overridden by hand). */
  pullOnly: string[];
}

/**
 * Builds what an air-gapped host needs: the base images, every catalog plug built from source, and the
 * Debian-package images (PostgreSQL, Redis) that stand in for upstream images. Existing tags are reused.
 * @example const { overrides } = await buildLocalImages(driver, catalog, { only: ["postgres"] }, log)
 */
export async function buildLocalImages(
  driver: RuntimeDriver,
  catalog: Catalog,
  options: { only?: string[] },
  onProgress: ProgressSink = () => {},
): Promise<LocalImagesReport> {
  const only = new Set(options.only ?? LOCAL_IMAGE_GROUPS);
  const unknown = [...only].filter((g) => !(LOCAL_IMAGE_GROUPS as readonly string[]).includes(g));
  if (unknown.length)
    throw new AimsError(
      "invalid_input",
      `unknown image group ${unknown.join(", ")}; choose from ${LOCAL_IMAGE_GROUPS.join(", ")}`,
    );
  const images: LocalImage[] = [];
  if (only.has("base") || only.has("plugs")) {
    const wanted = Object.keys(BASE_IMAGES);
    const built = new Set(await ensureBaseImages(driver, wanted, onProgress));
    if (only.has("base"))
      for (const ref of wanted) images.push({ kind: "base", ref, built: built.has(ref), for: [] });
  }
  if (only.has("plugs")) {
    for (const entry of catalog.entries)
      for (const svc of entry.plug.services) {
        if (!svc.build) continue;
        const contextDir = resolve(entry.dir, svc.build.context);
        const name = { plugId: entry.plug.id, service: svc.name, version: entry.plug.version };
        const existed = await driver.hasImage(await plugImageTagFor({ ...name, contextDir }));
        const ref = await ensureBuiltImage(driver, { ...name, contextDir }, onProgress);
        images.push({ kind: "plug", ref, built: !existed, for: [`${entry.plug.id}/${svc.name}`] });
      }
  }
  const overrides: Record<string, string> = {};
  for (const recipe of DEBIAN_RECIPES) {
    if (!only.has(recipe.name)) continue;
    const { tag, built } = await ensureDebianImage(driver, recipe, onProgress);
    images.push({ kind: "debian", ref: tag, built, for: recipe.upstream });
    for (const upstream of recipe.upstream) overrides[upstream] = tag;
  }
  const covered = new Set(DEBIAN_RECIPES.flatMap((r) => r.upstream));
  const pullOnly = [
    ...new Set(catalog.entries.flatMap((e) => e.plug.services.flatMap((s) => (s.image ? [s.image] : [])))),
  ]
    .filter((ref) => !covered.has(ref))
    .sort();
  return { images, overrides, pullOnly };
}

/** `AIMS_IMAGE_OVERRIDES` text for a set of overrides. */
export function overridesEnv(overrides: Record<string, string>): string {
  return Object.entries(overrides)
    .map(([up, local]) => `${up}=${local}`)
    .join(",");
}

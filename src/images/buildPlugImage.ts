import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AimsError } from "../domain/errors.js";
import { listContextFiles } from "../runtime/docker/contextFiles.js";
import type { ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";
import { ensureBaseImages } from "./baseImages.js";
import {
  type ContextFile,
  contextHash,
  dockerfileBases,
  type PlugImageName,
  plugImageTag,
} from "./plugImageTag.js";

/** A plug service to build from a directory holding its Dockerfile. */
export interface PlugImageSource extends PlugImageName {
  /** Absolute path of the build context (manifest `build.context` resolved against the manifest's dir). */
  contextDir: string;
}

async function readContext(contextDir: string): Promise<ContextFile[]> {
  try {
    const paths = await listContextFiles(contextDir);
    return await Promise.all(
      paths.map(async (path) => ({ path, bytes: await readFile(join(contextDir, path)) })),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new AimsError("invalid_input", `cannot read build context ${contextDir}: ${code}`);
  }
}

async function readSource(source: PlugImageSource) {
  const files = await readContext(source.contextDir);
  const dockerfile = files.find((f) => f.path === "Dockerfile");
  if (!dockerfile)
    throw new AimsError("invalid_input", `no Dockerfile in build context ${source.contextDir}`);
  return { tag: plugImageTag(source, contextHash(files)), dockerfile };
}

/** The tag `ensureBuiltImage` gives this source, computed from its files without touching the engine. */
export async function plugImageTagFor(source: PlugImageSource): Promise<string> {
  return (await readSource(source)).tag;
}

/**
 * The image for a plug service built from source: reused when the engine has the tag for this exact
 * content, otherwise built (after any `aims-base/*` image it starts FROM). Returns the tag.
 * @example const image = await ensureBuiltImage(driver, { plugId: "node-api", service: "api", version: "1.0.0", contextDir }, log)
 */
export async function ensureBuiltImage(
  driver: RuntimeDriver,
  source: PlugImageSource,
  onProgress: ProgressSink = () => {},
): Promise<string> {
  const { tag, dockerfile } = await readSource(source);
  if (await driver.hasImage(tag)) return tag;
  await ensureBaseImages(driver, dockerfileBases(Buffer.from(dockerfile.bytes).toString("utf8")), onProgress);
  onProgress(`building ${tag}`);
  await driver.buildImage(source.contextDir, tag, onProgress);
  return tag;
}

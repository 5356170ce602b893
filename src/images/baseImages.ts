import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AimsError } from "../domain/errors.js";
import type { ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";
import { writeBusyboxContext, writeNodeContext } from "./baseImageContext.js";

/** The prefix of images AIMS builds from host files instead of pulling. */
export const BASE_IMAGE_PREFIX = "aims-base/";

/** Each known base image and how to lay out its build context. */
export const BASE_IMAGES: Readonly<Record<string, (dir: string) => Promise<void>>> = {
  "aims-base/busybox:1": writeBusyboxContext,
  "aims-base/node:20": writeNodeContext,
};

/** True when `ref` names an AIMS base image (known or not). */
export function isBaseImageRef(ref: string): boolean {
  return ref.startsWith(BASE_IMAGE_PREFIX);
}

/** Builds in flight per driver, so concurrent deploys needing the same base build it once. */
const inFlight = new WeakMap<RuntimeDriver, Map<string, Promise<void>>>();

async function buildBaseImage(driver: RuntimeDriver, ref: string, onProgress: ProgressSink): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "aims-base-"));
  try {
    onProgress(`building base image ${ref} from host files`);
    if (ref === "aims-base/node:20" && !process.version.startsWith("v20."))
      onProgress(`note: ${ref} is built from this host's Node ${process.version}`);
    await BASE_IMAGES[ref]!(dir);
    await driver.buildImage(dir, ref, onProgress);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds whichever of the known base images among `refs` the engine lacks; refs outside `aims-base/` are
 * ignored, unknown `aims-base/` names are refused. Returns the refs it built.
 * @example await ensureBaseImages(driver, ["aims-base/node:20"], console.log)
 */
export async function ensureBaseImages(
  driver: RuntimeDriver,
  refs: string[],
  onProgress: ProgressSink = () => {},
): Promise<string[]> {
  const wanted = [...new Set(refs.filter(isBaseImageRef))];
  const unknown = wanted.filter((ref) => !(ref in BASE_IMAGES));
  if (unknown.length > 0)
    throw new AimsError(
      "invalid_input",
      `unknown base image ${unknown.join(", ")}; AIMS can build ${Object.keys(BASE_IMAGES).join(", ")}`,
    );
  const built: string[] = [];
  for (const ref of wanted) {
    if (await driver.hasImage(ref)) continue;
    const builds = inFlight.get(driver) ?? new Map<string, Promise<void>>();
    inFlight.set(driver, builds);
    let build = builds.get(ref);
    if (!build) {
      build = buildBaseImage(driver, ref, onProgress).finally(() => builds.delete(ref));
      builds.set(ref, build);
    }
    await build;
    built.push(ref);
  }
  return built;
}

import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AimsError } from "../domain/errors.js";
import { listContextFiles } from "../runtime/docker/contextFiles.js";
import type { ProgressSink, RuntimeDriver } from "../runtime/RuntimeDriver.js";
import { type DebianRecipe, localImageTag, mmdebstrapArgs } from "./debianRecipes.js";
import { recipeHash } from "./recipeHash.js";

/** A rootfs build may download and unpack a few hundred packages. */
const MMDEBSTRAP_TIMEOUT_MS = 15 * 60_000;

async function readContext(dir: string) {
  const paths = await listContextFiles(dir);
  return Promise.all(paths.map(async (path) => ({ path, bytes: await readFile(join(dir, path)) })));
}

/** Runs mmdebstrap, streaming its `I:` lines as progress; failures carry its last lines. */
function runMmdebstrap(args: string[], onProgress: ProgressSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("mmdebstrap", args, { stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const timer = setTimeout(() => child.kill("SIGTERM"), MMDEBSTRAP_TIMEOUT_MS);
    const onLines = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        tail.push(line);
        if (tail.length > 15) tail.shift();
        if (/^I: (downloading|installing|extracting|creating|success)/.test(line))
          onProgress(`mmdebstrap ${line}`);
      }
    };
    child.stdout.on("data", onLines);
    child.stderr.on("data", onLines);
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === "ENOENT"
          ? new AimsError("unavailable", "mmdebstrap is not installed: apt-get install mmdebstrap")
          : err,
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      reject(
        new AimsError(
          "failed",
          `mmdebstrap ${signal ? `was stopped (${signal})` : `exited with code ${code}`}; is a Debian mirror reachable? Last lines: ${tail.join(" | ").slice(-800)}`,
        ),
      );
    });
  });
}

/**
 * The recipe's local image: reused when the engine has the tag for this exact recipe, otherwise built
 * (mmdebstrap rootfs, then the recipe's Dockerfile). Returns the tag and whether it was built now.
 * @example const { tag } = await ensureDebianImage(driver, DEBIAN_RECIPES[0], console.log)
 */
export async function ensureDebianImage(
  driver: RuntimeDriver,
  recipe: DebianRecipe,
  onProgress: ProgressSink = () => {},
): Promise<{ tag: string; built: boolean }> {
  const files = await readContext(recipe.contextDir);
  const tag = localImageTag(recipe, recipeHash(recipe, files));
  if (await driver.hasImage(tag)) return { tag, built: false };
  const dir = await mkdtemp(join(tmpdir(), `aims-debian-${recipe.name}-`));
  try {
    for (const file of files) {
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await copyFile(join(recipe.contextDir, file.path), join(dir, file.path));
    }
    onProgress(
      `building the ${recipe.name} root filesystem from Debian ${recipe.suite} packages (mmdebstrap)`,
    );
    await runMmdebstrap(mmdebstrapArgs(recipe, join(dir, "rootfs.tar")), onProgress);
    onProgress(`building ${tag}`);
    await driver.buildImage(dir, tag, onProgress);
    return { tag, built: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
